package chatbot

import (
	"embed"
	"io/fs"
)

//go:embed goldens/*.json
var goldenFiles embed.FS

// Goldens returns the conversation goldens shipped with the binary.
func Goldens() ([]Golden, error) {
	sub, err := fs.Sub(goldenFiles, "goldens")
	if err != nil {
		return nil, err
	}
	return LoadGoldens(sub)
}
