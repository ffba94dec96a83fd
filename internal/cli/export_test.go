package cli

// Stretches reports how many times leakcheck has stretched a passphrase into
// an existing filter's key in this process.
func Stretches() int64 { return stretches.Load() }
