package ml

import (
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"fmt"
	"hash/crc32"
	"slices"
)

// Model file layout (all integers little-endian):
//
//	offset  size  content
//	0       8     magic "CAIMODEL"
//	8       4     format version (modelVersion)
//	12      8     payload length in bytes
//	20      4     CRC-32 (IEEE) of the payload
//	24      n     payload: encoding/gob of modelFile
//
// A reader rejects another magic, a newer version, a length that does not
// match, or a checksum mismatch before decoding anything.
const (
	modelMagic   = "CAIMODEL"
	modelVersion = 1
	headerSize   = 24
)

// modelFile is the serialised form of a Model (version 1).
type modelFile struct {
	Columns []Column
	Inputs  []inputPrep
	Width   int
	Layers  []dense
	Cal     calibrator
	Info    TrainInfo
}

// MarshalBinary encodes the model in the versioned, checksummed format read
// by UnmarshalModel. Decoding gives bit-identical predictions.
func (m *Model) MarshalBinary() ([]byte, error) {
	var payload bytes.Buffer
	f := modelFile{Columns: m.cols, Inputs: m.prep.Inputs, Width: m.prep.Width,
		Layers: m.net.Layers, Cal: m.cal, Info: m.info}
	if err := gob.NewEncoder(&payload).Encode(&f); err != nil {
		return nil, fmt.Errorf("ml: encoding model: %w", err)
	}
	out := make([]byte, headerSize, headerSize+payload.Len())
	copy(out, modelMagic)
	binary.LittleEndian.PutUint32(out[8:], modelVersion)
	binary.LittleEndian.PutUint64(out[12:], uint64(payload.Len()))
	binary.LittleEndian.PutUint32(out[20:], crc32.ChecksumIEEE(payload.Bytes()))
	return append(out, payload.Bytes()...), nil
}

// UnmarshalModel decodes a model written by MarshalBinary. Damaged or
// foreign input yields an error wrapping ErrBadModel, never a panic.
func UnmarshalModel(data []byte) (m *Model, err error) {
	if len(data) < headerSize {
		return nil, fmt.Errorf("%w: %d bytes is shorter than the %d-byte header", ErrBadModel, len(data), headerSize)
	}
	if string(data[:8]) != modelMagic {
		return nil, fmt.Errorf("%w: missing %q magic", ErrBadModel, modelMagic)
	}
	if v := binary.LittleEndian.Uint32(data[8:]); v != modelVersion {
		return nil, fmt.Errorf("%w: format version %d, this build reads version %d", ErrBadModel, v, modelVersion)
	}
	payload := data[headerSize:]
	if n := binary.LittleEndian.Uint64(data[12:]); n != uint64(len(payload)) {
		return nil, fmt.Errorf("%w: header announces %d payload bytes, found %d", ErrBadModel, n, len(payload))
	}
	if binary.LittleEndian.Uint32(data[20:]) != crc32.ChecksumIEEE(payload) {
		return nil, fmt.Errorf("%w: checksum mismatch", ErrBadModel)
	}
	defer func() {
		if r := recover(); r != nil {
			m, err = nil, fmt.Errorf("%w: decoding: %v", ErrBadModel, r)
		}
	}()
	var f modelFile
	if err := gob.NewDecoder(bytes.NewReader(payload)).Decode(&f); err != nil {
		return nil, fmt.Errorf("%w: decoding: %v", ErrBadModel, err)
	}
	if err := f.validate(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadModel, err)
	}
	return &Model{cols: f.Columns, prep: &preprocessor{Inputs: f.Inputs, Width: f.Width},
		net: &network{Layers: f.Layers}, cal: f.Cal, info: f.Info}, nil
}

// validate checks the invariants the prediction code relies on.
func (f *modelFile) validate() error {
	if err := checkColumns(f.Columns); err != nil {
		return err
	}
	if len(f.Inputs) != len(f.Columns) {
		return fmt.Errorf("%d column transforms for %d columns", len(f.Inputs), len(f.Columns))
	}
	width := len(f.Inputs)
	for j, in := range f.Inputs {
		if in.Indicator == -1 {
			continue
		}
		if in.Indicator != width {
			return fmt.Errorf("column %d: missing indicator at input %d, want %d", j, in.Indicator, width)
		}
		width++
	}
	if width != f.Width {
		return fmt.Errorf("input width %d, columns imply %d", f.Width, width)
	}
	if len(f.Layers) == 0 {
		return fmt.Errorf("no layers")
	}
	in := f.Width
	for l, d := range f.Layers {
		if d.In != in || d.Out <= 0 || len(d.W) != d.In*d.Out || len(d.B) != d.Out {
			return fmt.Errorf("layer %d: shape %d×%d with %d weights and %d biases after %d inputs",
				l, d.In, d.Out, len(d.W), len(d.B), in)
		}
		in = d.Out
	}
	if in != 1 {
		return fmt.Errorf("output layer has %d units, want 1", in)
	}
	c := f.Cal
	switch c.Method {
	case CalibrationPlatt, CalibrationNone, calibrationPrior:
	case CalibrationIsotonic:
		if len(c.X) != len(c.Y) || len(c.X) == 0 || !slices.IsSorted(c.X) {
			return fmt.Errorf("isotonic calibration with %d points and %d values", len(c.X), len(c.Y))
		}
	default:
		return fmt.Errorf("unknown calibration %q", c.Method)
	}
	return nil
}
