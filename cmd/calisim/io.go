package main

import "io"

// ioWriter keeps command files free of an io import for one type.
type ioWriter = io.Writer
