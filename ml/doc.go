// Package ml is cai's model: feature matrices in, calibrated probabilities
// and per-column attributions out. It knows nothing of SQL or Arrow; the
// caller builds a Matrix per split plus a Column spec per matrix column.
//
// # Pipeline
//
// Train fits everything on the splits it is given:
//
//   - Preprocessing, fitted on the training split only. Each column with a
//     missing value (NaN) in training gets an explicit missing-indicator
//     input and its NaNs are imputed with the training median. Heavy-tailed
//     kinds (KindCount, KindAmount, KindDays) are mapped through
//     sign(x)·log1p(|x|). Every input is then standardised by the training
//     mean and standard deviation (a constant column contributes 0) and
//     clipped to ±10 standard deviations, so NaN, ±Inf and huge values never
//     reach the network.
//   - An MLP built with Gorgonia: ReLU hidden layers (default 64 and 32) and
//     one logit output, trained with Adam on mini-batches of class-weighted
//     binary cross-entropy with L2 weight decay. Batches are shuffled by a
//     seeded generator (a shuffled row index; the preprocessed training
//     matrix is stored once, in float32, the training precision). The
//     weights evaluated after each epoch are an exponential moving average
//     of the optimiser's iterates over about half an epoch, which smooths
//     the mini-batch noise so the validation loss settles in a few epochs.
//     Training stops early when the validation loss has not decreased by
//     Options.Tolerance (relative) for Options.Patience epochs and keeps
//     the weights with the lowest validation loss.
//   - Calibration on the validation split: Platt scaling (default) or
//     isotonic regression maps the logit to a probability, so that 0.2 means
//     about one in five despite the class weighting.
//
// The test split that reports a model's quality must be kept out of Train
// altogether: it is never seen by preprocessing, training, early stopping
// or calibration.
//
// After training the weights are copied into plain Go slices. Predict,
// PredictRaw, PredictLogit and Attribute run a hand-written forward (and
// backward) pass on them, in parallel over row chunks; the Gorgonia graph is
// only used for training.
//
// # Influential factors
//
// Attribute gives, per row and input column, integrated-gradients
// attributions of the logit against a reference row (by default Reference,
// the per-column training median). They are additive: a row's attributions
// sum to its logit minus the reference's logit. Summing the attributions of
// the columns sharing a Column.Group gives the factor's impact.
//
// # Determinism
//
// The same columns, data and Options (including Seed) produce a
// bit-identical model and bit-identical scores, independent of the number
// of CPUs: weights are initialised from the seed, batches are shuffled from
// it, the data-parallel training uses a fixed number of replicas, and the
// parallel inference splits rows, never sums.
//
// # Model files
//
// MarshalBinary and UnmarshalModel use a versioned format with a magic
// header and a CRC-32 of the payload; damaged input is an error wrapping
// ErrBadModel.
package ml
