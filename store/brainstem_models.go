package store

// brainstemModels lists the BrainSTEM API's tables for migration.
func brainstemModels() []any { return nil }
