package doccheck

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// scriptRunners are the marker names that a script runs rather than a Go test,
// with the script that must contain the block's commands.
var scriptRunners = map[string]string{
	"make-demo": "scripts/demo.sh",
	"ci-run":    ".ci/run",
}

// TestEveryShellBlockIsExercised checks that every shell block of the README,
// the documentation sources (templates/; docs/ is generated from them) and the
// examples' READMEs names what runs it, and that the runner exists: a Go test
// function, or a script that contains each of the block's commands.
func TestEveryShellBlockIsExercised(t *testing.T) {
	root := RepoRoot(t)
	testFuncs := goTestFunctions(t, root)
	for _, doc := range documents(t, root) {
		blocks, err := ReadBlocks(filepath.Join(root, doc))
		if err != nil {
			t.Errorf("%s: %v", doc, err)
			continue
		}
		for _, b := range blocks {
			if !b.IsShell() {
				continue
			}
			where := doc + ":" + strconv.Itoa(b.Line)
			switch script, isScript := scriptRunners[b.Marker]; {
			case b.Marker == "":
				t.Errorf("%s: the %s block has no marker: put %q on the line above it, naming the Go test that runs it (or make-demo, ci-run)",
					where, b.Lang, markerPrefix+"TestName"+markerSuffix)
			case isScript:
				body, err := os.ReadFile(filepath.Join(root, script))
				if err != nil {
					t.Errorf("%s: reading %s: %v", where, script, err)
					continue
				}
				for _, cmd := range MissingCommands(b, string(body)) {
					t.Errorf("%s: the block is marked %s, but %s has no line %q", where, b.Marker, script, cmd)
				}
			case !testFuncs[testName(b.Marker)]:
				t.Errorf("%s: the block is marked %s, but no _test.go in the repository declares func %s(t *testing.T)",
					where, b.Marker, testName(b.Marker))
			}
		}
	}
}

// testName returns the Go test function of a marker: a test that runs
// several blocks of one file names them TestName/part.
func testName(marker string) string {
	name, _, _ := strings.Cut(marker, "/")
	return name
}

// documents returns the Markdown files whose shell blocks must be exercised,
// relative to root.
func documents(t *testing.T, root string) []string {
	t.Helper()
	docs := []string{"README.md"}
	walk := func(dir string, keep func(name string) bool) {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !keep(d.Name()) {
				return err
			}
			rel, err := filepath.Rel(root, path)
			docs = append(docs, filepath.ToSlash(rel))
			return err
		})
		if err != nil {
			t.Fatalf("listing %s: %v", dir, err)
		}
	}
	walk("templates", func(string) bool { return true })
	walk("examples", func(name string) bool { return name == "README.md" })
	return docs
}

var testFuncDecl = regexp.MustCompile(`(?m)^func (Test\w*)\(\w+ \*testing\.T\) \{`)

// goTestFunctions returns the names of the test functions declared in the
// repository's _test.go files.
func goTestFunctions(t *testing.T, root string) map[string]bool {
	t.Helper()
	names := make(map[string]bool)
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "bin") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(d.Name(), "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range testFuncDecl.FindAllStringSubmatch(string(src), -1) {
			names[m[1]] = true
		}
		return nil
	})
	if err != nil {
		t.Fatalf("listing the repository's test functions: %v", err)
	}
	return names
}
