package doccheck

import (
	"strings"
)

// shellLangs are the info strings of the blocks a reader pastes into a shell.
var shellLangs = map[string]bool{"sh": true, "shell": true, "bash": true, "console": true}

// IsShell reports whether the block holds shell commands.
func (b CodeBlock) IsShell() bool { return shellLangs[b.Lang] }

// Commands returns the block's command lines with comments and surrounding
// blanks removed; in a console block only the lines after a "$ " prompt count,
// the others being output.
func (b CodeBlock) Commands() []string {
	var cmds []string
	for _, line := range strings.Split(b.Body, "\n") {
		if b.Lang == "console" {
			rest, ok := strings.CutPrefix(strings.TrimSpace(line), "$ ")
			if !ok {
				continue
			}
			line = rest
		}
		if cmd := normalize(line); cmd != "" {
			cmds = append(cmds, cmd)
		}
	}
	return cmds
}

// MissingCommands returns the block's commands that are not a line of script,
// compared after removing comments and collapsing blanks on both sides.
func MissingCommands(b CodeBlock, script string) []string {
	lines := make(map[string]bool)
	for _, line := range strings.Split(script, "\n") {
		lines[normalize(line)] = true
	}
	var missing []string
	for _, cmd := range b.Commands() {
		if !lines[cmd] {
			missing = append(missing, cmd)
		}
	}
	return missing
}

// normalize drops a shell comment and collapses runs of blanks, so a command
// matches however it is aligned.
func normalize(line string) string {
	return strings.Join(strings.Fields(stripComment(line)), " ")
}

// stripComment cuts line at a "#" that starts a word outside quotes, which is
// where the shell starts a comment ("$#" and "a#b" are not comments).
func stripComment(line string) string {
	var quote rune
	wordStart := true
	for i, r := range line {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '\'' || r == '"':
			quote = r
		case r == '#' && wordStart:
			return line[:i]
		}
		wordStart = quote == 0 && (r == ' ' || r == '\t')
	}
	return line
}
