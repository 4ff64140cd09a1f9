package main

// The generated server interfaces, models and embedded specs in gen/ come
// from the hand-written specs in openapi/. Never edit gen/ by hand.

//go:generate go tool oapi-codegen -config gen/atlasapi/config.yaml openapi/atlas.yaml
//go:generate go tool oapi-codegen -config gen/brainstemapi/config.yaml openapi/brainstem.yaml
