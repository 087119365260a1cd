package catalog

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"time"
)

// Model file framing; the layout is described in the package comment.
const (
	modelMagic   = "CAIMODEL"
	modelVersion = uint32(1)
)

// modelHeader is the JSON part of a model file.
type modelHeader struct {
	Name       string            `json:"name"`
	Definition string            `json:"definition"`
	CreatedAt  time.Time         `json:"created_at"`
	Meta       map[string]string `json:"meta,omitempty"`
}

// encodeModel writes m in the CAIMODEL container format.
func encodeModel(w io.Writer, m *Model) error {
	hdr, err := json.Marshal(modelHeader{m.Name, m.Definition, m.CreatedAt, m.Meta})
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.WriteString(modelMagic)
	buf.Write(binary.LittleEndian.AppendUint32(nil, modelVersion))
	buf.Write(binary.LittleEndian.AppendUint32(nil, uint32(len(hdr))))
	buf.Write(hdr)
	buf.Write(binary.LittleEndian.AppendUint64(nil, uint64(len(m.Blob))))
	buf.Write(m.Blob)
	buf.Write(binary.LittleEndian.AppendUint32(nil, crc32.ChecksumIEEE(buf.Bytes())))
	_, err = w.Write(buf.Bytes())
	return err
}

// decodeModel parses and verifies a CAIMODEL file.
func decodeModel(b []byte) (*Model, error) {
	const fixed = len(modelMagic) + 4 + 4 + 8 + 4
	if len(b) < len(modelMagic) || string(b[:len(modelMagic)]) != modelMagic {
		return nil, errors.New("bad magic, not a CAIMODEL file")
	}
	if len(b) < fixed {
		return nil, fmt.Errorf("truncated: %d bytes", len(b))
	}
	body, sum := b[:len(b)-4], binary.LittleEndian.Uint32(b[len(b)-4:])
	if got := crc32.ChecksumIEEE(body); got != sum {
		return nil, fmt.Errorf("checksum mismatch: stored %08x, computed %08x", sum, got)
	}
	r := body[len(modelMagic):]
	if v := binary.LittleEndian.Uint32(r); v != modelVersion {
		return nil, fmt.Errorf("unsupported model file version %d", v)
	}
	hlen := uint64(binary.LittleEndian.Uint32(r[4:]))
	r = r[8:]
	if hlen > uint64(len(r)-8) {
		return nil, errors.New("header length exceeds file")
	}
	var hdr modelHeader
	if err := json.Unmarshal(r[:hlen], &hdr); err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	r = r[hlen:]
	if blen := binary.LittleEndian.Uint64(r); blen != uint64(len(r)-8) {
		return nil, fmt.Errorf("blob length %d does not match file", blen)
	}
	return &Model{
		Name:       hdr.Name,
		Definition: hdr.Definition,
		Blob:       bytes.Clone(r[8:]),
		CreatedAt:  hdr.CreatedAt,
		Meta:       hdr.Meta,
	}, nil
}
