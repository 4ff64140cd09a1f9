package store

// CoreTables are the core's own tables, for the schema tests of package
// store_test.
func CoreTables() Tables { return coreTables }
