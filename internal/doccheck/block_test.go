package doccheck

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
)

const testdataDoc = "internal/doccheck/testdata/blocks.md"

func TestReadBlocks(t *testing.T) {
	t.Parallel()
	blocks, err := ReadBlocks("testdata/blocks.md")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, b := range blocks {
		got = append(got, fmt.Sprintf("%d %s %q shell=%v", b.Line, b.Lang, b.Marker, b.IsShell()))
	}
	want := []string{
		`4 sh "TestOne" shell=true`,
		`10 sh "TestTwice" shell=true`,
		`15 bash "TestTwice" shell=true`,
		`20 console "TestConsole" shell=true`,
		`29 sh "" shell=true`,
		`33 markdown "" shell=false`,
		`39 hcl "" shell=false`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("blocks:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if body := blocks[5].Body; body != "```sh\ninside a longer fence\n```\n" {
		t.Errorf("the longer fence's body is %q: a shorter fence inside it must not close it", body)
	}
}

func TestReadBlocksRefusesAnUnclosedFence(t *testing.T) {
	t.Parallel()
	path := t.TempDir() + "/open.md"
	writeFile(t, path, "text\n\n```sh\necho never closed\n")
	if _, err := ReadBlocks(path); err == nil || !strings.Contains(err.Error(), "line 3 is never closed") {
		t.Errorf("ReadBlocks of an unclosed fence: err = %v, want one naming line 3", err)
	}
}

func TestBlock(t *testing.T) {
	t.Parallel()
	if got, want := Block(t, testdataDoc, "TestOne"), "export A=1   # a comment\necho \"#not a comment\" $# done\n"; got != want {
		t.Errorf("Block(TestOne) = %q, want %q", got, want)
	}
}

func TestBlockFailsUnlessExactlyOneBlockHasTheMarker(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]string{
		"TestTwice":   "has 2 code blocks marked",
		"TestMissing": "has 0 code blocks marked",
		"TestFar":     "has 0 code blocks marked",
	} {
		if got := fatalOf(t, func(tb testing.TB) { Block(tb, testdataDoc, name) }); !strings.Contains(got, want) {
			t.Errorf("Block(%s) failed with %q, want a failure containing %q", name, got, want)
		}
	}
}

func TestCommands(t *testing.T) {
	t.Parallel()
	blocks, err := ReadBlocks("testdata/blocks.md")
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range map[int][]string{
		0: {"export A=1", `echo "#not a comment" $# done`},
		3: {"make install", "terraform init"},
	} {
		if got := blocks[i].Commands(); !slices.Equal(got, want) {
			t.Errorf("Commands of the block on line %d = %q, want %q", blocks[i].Line, got, want)
		}
	}
}

func TestMissingCommands(t *testing.T) {
	t.Parallel()
	block := CodeBlock{Lang: "sh", Body: "make install   # puts things in place\ncd work \\\n  && terraform init\n"}
	for _, tc := range []struct {
		script string
		want   []string
	}{
		{script: "#!/bin/sh\n\tmake install\ncd work \\\n\t&& terraform init # here\n", want: nil},
		{script: "make install\n", want: []string{`cd work \`, "&& terraform init"}},
		// A command only mentioned inside another line does not count.
		{script: "step \"make install\"\ncd work \\\n&& terraform init\n", want: []string{"make install"}},
	} {
		if got := MissingCommands(block, tc.script); !slices.Equal(got, tc.want) {
			t.Errorf("MissingCommands against %q = %q, want %q", tc.script, got, tc.want)
		}
	}
}

// fatalOf runs f with a testing.TB whose Fatalf records its message and stops
// f, and returns that message ("" when f did not fail).
func fatalOf(t *testing.T, f func(testing.TB)) string {
	rec := &fatalRecorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(rec)
	}()
	<-done
	return rec.msg
}

type fatalRecorder struct {
	testing.TB
	msg string
}

func (r *fatalRecorder) Helper() {}

func (r *fatalRecorder) Fatalf(format string, args ...any) {
	r.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
