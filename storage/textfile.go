package storage

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"io"
	"os"
)

// textFile is an open CSV or JSON file, transparently gunzipped, with any
// UTF-8 byte order mark skipped.
type textFile struct {
	f  *os.File
	gz *gzip.Reader
	r  *bufio.Reader
}

const textBufferSize = 1 << 20

func openText(path string) (*textFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	t := &textFile{f: f, r: bufio.NewReaderSize(f, textBufferSize)}
	if magic, _ := t.r.Peek(2); bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		if t.gz, err = gzip.NewReader(t.r); err != nil {
			f.Close()
			return nil, malformed(path, 0, "bad gzip header: "+err.Error())
		}
		t.r = bufio.NewReaderSize(t.gz, textBufferSize)
	}
	if bom, _ := t.r.Peek(3); bytes.Equal(bom, []byte("\ufeff")) {
		t.r.Discard(3)
	}
	return t, nil
}

func (t *textFile) compressed() bool { return t.gz != nil }

// empty reports whether nothing but whitespace is left to read. It
// consumes nothing unless a long run of whitespace precedes the content.
func (t *textFile) empty() bool {
	const chunk = 4096
	for {
		b, err := t.r.Peek(chunk)
		if len(bytes.TrimLeft(b, " \t\r\n")) > 0 {
			return false
		}
		if err != nil {
			return true
		}
		t.r.Discard(len(b))
	}
}

func (t *textFile) Close() error {
	if t.gz != nil {
		t.gz.Close()
	}
	return t.f.Close()
}

// lineReader splits a text file into lines of any length, counting them.
type lineReader struct {
	r    *bufio.Reader
	line int // number of the line last returned, 1-based
	buf  []byte
}

// next returns the next line without its line terminator. The slice is
// valid until the next call. It returns io.EOF after the last line.
func (l *lineReader) next() ([]byte, error) {
	l.buf = l.buf[:0]
	for {
		chunk, err := l.r.ReadSlice('\n')
		switch err {
		case nil:
			l.line++
			if len(l.buf) > 0 {
				l.buf = append(l.buf, chunk...)
				chunk = l.buf
			}
			return trimEOL(chunk), nil
		case bufio.ErrBufferFull:
			l.buf = append(l.buf, chunk...)
		case io.EOF:
			l.buf = append(l.buf, chunk...)
			if len(l.buf) == 0 {
				return nil, io.EOF
			}
			l.line++
			return trimEOL(l.buf), nil
		default:
			return nil, err
		}
	}
}

func trimEOL(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}
