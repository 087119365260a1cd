// Package features computes the point-in-time feature rows of a
// prediction: for every profile and every cutoff T, aggregates of the
// profile's events in [T - lookback, T), and labels from the goal events
// in [T, T + window).
//
// Build makes one pass over the event batches and fills the features of
// all cutoffs (snapshots) at once: each event row is routed to the
// snapshots whose lookback window or outcome window contains it. Nothing
// at or after a cutoff can reach that cutoff's features; the property
// test in this package proves it on random data.
package features
