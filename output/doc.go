// Package output renders statement results for people and programs.
//
// [Write] prints one [engine.Result] in a [Format]: an aligned Unicode
// table for terminals, CSV (RFC 4180, with a header), JSON lines (one
// object per row) or Parquet (binary, never to a terminal). A result
// without rows prints its message on one line.
//
// [Chart] draws a result as a horizontal bar chart: lift by decile for
// EVALUATE ... BY DECILE, counts for histograms, or any result made of one
// label column and one numeric column.
//
// [Progress] draws the single updating progress line that the command
// line shows on a terminal during long steps.
//
// Nothing here retains or releases a result: the caller owns it.
package output
