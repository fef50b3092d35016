package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// command is one localhcp subcommand: its flags, its help and what it does.
type command struct {
	name string
	// synopsis is the usage line after "localhcp NAME".
	synopsis string
	// about says what the command does; it follows the usage line.
	about string
	// footer follows the flags, e.g. how the data directory is found.
	footer string
}

// newFlagSet returns a flag set that prints nothing itself but parse
// errors, to stderr: help goes to stdout through writeHelp.
func (c command) newFlagSet(stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("localhcp "+c.name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {}
	return fs
}

// writeHelp prints the command's help with the flags spelled as the docs
// spell them, --name VALUE.
func (c command) writeHelp(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, "Usage: localhcp %s %s\n\n%s\nFlags:\n", c.name, c.synopsis, c.about)
	fs.VisitAll(func(f *flag.Flag) {
		placeholder, usage := flag.UnquoteUsage(f)
		spelled := "--" + f.Name
		if _, isBool := f.Value.(interface{ IsBoolFlag() bool }); !isBool && placeholder != "" {
			spelled += " " + placeholder
		}
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" && f.DefValue != "0s" {
			usage += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		fmt.Fprintf(w, "  %s\n      %s\n", spelled, strings.ReplaceAll(usage, "\n", "\n      "))
	})
	fmt.Fprint(w, "  --help, -h\n      print this help\n")
	if c.footer != "" {
		fmt.Fprint(w, "\n"+c.footer)
	}
}

// parse parses args. It returns done when the command must stop there:
// with 0 after printing the help that -h or --help asked for, with 2 after
// a usage error.
func (c command) parse(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) (code int, done bool) {
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		c.writeHelp(stdout, fs)
		return 0, true
	case err != nil:
		// The flag package has printed what is wrong.
		c.hint(stderr)
		return 2, true
	case fs.NArg() > 0:
		fmt.Fprintf(stderr, "localhcp %s: unexpected argument %q\n", c.name, fs.Arg(0))
		c.hint(stderr)
		return 2, true
	}
	return 0, false
}

// usageError reports a wrong flag value; the caller returns 2.
func (c command) usageError(stderr io.Writer, format string, args ...any) int {
	fmt.Fprintf(stderr, "localhcp %s: %s\n", c.name, fmt.Sprintf(format, args...))
	c.hint(stderr)
	return 2
}

func (c command) hint(stderr io.Writer) {
	fmt.Fprintf(stderr, "Run 'localhcp %s --help' for its flags.\n", c.name)
}

// repeated collects a flag given several times.
type repeated []string

func (r *repeated) String() string     { return strings.Join(*r, ",") }
func (r *repeated) Set(v string) error { *r = append(*r, v); return nil }
