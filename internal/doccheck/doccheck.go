// Package doccheck ties the shell commands the documentation shows to the test,
// script or CI step that runs them, so the docs cannot drift from what works.
//
// A fenced code block is tied to its runner by the line right above its
// opening fence:
//
//	<!-- exercised-by: TestSomething -->
//
// where the name is a Go test function of this repository (which reads the
// block with Block and runs it; TestName/part when one test runs several
// blocks of a file), or make-demo or ci-run (whose scripts,
// scripts/demo.sh and .ci/run, must contain every command of the block).
package doccheck

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// markerPrefix and markerSuffix frame the runner's name in the marker line.
const (
	markerPrefix = "<!-- exercised-by: "
	markerSuffix = " -->"
)

// Block returns the body of the one fenced code block in path (relative to the
// repository root) whose marker names name, and fails the test unless exactly
// one such block exists.
func Block(t testing.TB, path, name string) string {
	t.Helper()
	blocks, err := ReadBlocks(filepath.Join(RepoRoot(t), path))
	if err != nil {
		t.Fatalf("reading the code blocks of %s: %v", path, err)
	}
	var found []CodeBlock
	for _, b := range blocks {
		if b.Marker == name {
			found = append(found, b)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%s has %d code blocks marked %q, want exactly one: put the line %q right above the fence of the block the test runs",
			path, len(found), markerPrefix+name+markerSuffix, markerPrefix+name+markerSuffix)
	}
	return found[0].Body
}

// CodeBlock is one fenced code block of a Markdown file.
type CodeBlock struct {
	// Line is the 1-based line of the opening fence.
	Line int
	// Lang is the first word of the fence's info string ("sh", "hcl", "").
	Lang string
	// Marker is the name of the exercised-by marker right above the fence, or "".
	Marker string
	// Body is the text between the fences, each line ending in a newline.
	Body string
}

// ReadBlocks returns the fenced code blocks of the Markdown file at path, in
// order. A fence that is never closed is an error: the rest of the file would
// silently become code.
func ReadBlocks(path string) ([]CodeBlock, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()

	var (
		blocks   []CodeBlock
		open     *CodeBlock
		fence    string
		body     strings.Builder
		previous string
		line     int
	)
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for sc.Scan() {
		line++
		text := sc.Text()
		trimmed := strings.TrimSpace(text)
		switch {
		case open == nil && isFence(trimmed):
			fence = fenceOf(trimmed)
			open = &CodeBlock{Line: line, Lang: langOf(trimmed[len(fence):]), Marker: markerName(previous)}
			body.Reset()
		case open != nil && strings.HasPrefix(trimmed, fence) && strings.Trim(trimmed, fence[:1]) == "":
			open.Body = body.String()
			blocks = append(blocks, *open)
			open = nil
		case open != nil:
			body.WriteString(text)
			body.WriteByte('\n')
		}
		previous = text
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if open != nil {
		return nil, fmt.Errorf("the code block opened on line %d is never closed", open.Line)
	}
	return blocks, nil
}

func isFence(trimmed string) bool {
	return strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~")
}

// fenceOf returns the run of backticks or tildes that opens a block; the block
// closes at a run at least as long.
func fenceOf(trimmed string) string {
	n := 0
	for n < len(trimmed) && trimmed[n] == trimmed[0] {
		n++
	}
	return trimmed[:n]
}

func langOf(info string) string {
	fields := strings.Fields(info)
	if len(fields) == 0 {
		return ""
	}
	return strings.TrimPrefix(fields[0], "{")
}

// markerName returns NAME when line is exactly "<!-- exercised-by: NAME -->".
func markerName(line string) string {
	if !strings.HasPrefix(line, markerPrefix) || !strings.HasSuffix(line, markerSuffix) {
		return ""
	}
	name := line[len(markerPrefix) : len(line)-len(markerSuffix)]
	if name == "" || strings.ContainsAny(name, " \t") {
		return ""
	}
	return name
}

// rootModule is the go.mod line that marks the repository root; the pinned
// tools under tools/ have go.mod files of their own.
const rootModule = "module github.com/golden-image/terraform-provider-hcppacker\n"

// RepoRoot returns the repository root: the nearest directory at or above the
// current one (a test's package directory) whose go.mod declares this module.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatalf("finding the repository root: %v", err)
	}
	for {
		if mod, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && strings.HasPrefix(string(mod), rootModule) {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatalf("no directory at or above the test's directory has a go.mod that starts with %q", rootModule)
		}
		dir = parent
	}
}
