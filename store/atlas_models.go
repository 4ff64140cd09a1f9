package store

// atlasModels lists the Atlas API's tables for migration.
func atlasModels() []any { return nil }
