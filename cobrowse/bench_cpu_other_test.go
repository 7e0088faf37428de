//go:build !unix

package cobrowse

import "time"

func processCPU() time.Duration { return 0 }
