package prom

import (
	"bufio"
	"io"
	"math"
	"strconv"
	"strings"
)

// ContentType is the text exposition format's, version 0.0.4.
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

var (
	helpEscaper  = strings.NewReplacer(`\`, `\\`, "\n", `\n`)
	valueEscaper = strings.NewReplacer(`\`, `\\`, "\n", `\n`, `"`, `\"`)
)

// WriteText writes families (as Gather returns them) in the text format:
// each family's HELP and TYPE lines, then its series; a histogram's
// buckets (le), _sum and _count, a summary's quantiles, _sum and _count.
func WriteText(w io.Writer, fams []Family) error {
	bw := bufio.NewWriter(w)
	var line []byte
	for _, f := range fams {
		line = append(line[:0], "# HELP "...)
		line = append(line, f.Name...)
		line = append(line, ' ')
		line = append(line, helpEscaper.Replace(f.Help)...)
		line = append(line, "\n# TYPE "...)
		line = append(line, f.Name...)
		line = append(line, ' ')
		line = append(line, f.Type.String()...)
		line = append(line, '\n')
		for _, s := range f.Series {
			switch f.Type {
			case TypeHistogram:
				for _, b := range s.Buckets {
					line = appendSample(line, f.Name, "_bucket", f.Labels, s.Values, "le", b.UpperBound, float64(b.Count))
				}
				line = appendSample(line, f.Name, "_bucket", f.Labels, s.Values, "le", math.Inf(1), float64(s.Count))
				line = appendSample(line, f.Name, "_sum", f.Labels, s.Values, "", 0, s.Sum)
				line = appendSample(line, f.Name, "_count", f.Labels, s.Values, "", 0, float64(s.Count))
			case TypeSummary:
				for _, q := range s.Quantiles {
					line = appendSample(line, f.Name, "", f.Labels, s.Values, "quantile", q.Quantile, q.Value)
				}
				line = appendSample(line, f.Name, "_sum", f.Labels, s.Values, "", 0, s.Sum)
				line = appendSample(line, f.Name, "_count", f.Labels, s.Values, "", 0, float64(s.Count))
			default:
				line = appendSample(line, f.Name, "", f.Labels, s.Values, "", 0, s.Value)
			}
		}
		if _, err := bw.Write(line); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// appendSample appends one line: name and suffix, the labels (and extra,
// le or quantile, when set) and the value.
func appendSample(b []byte, name, suffix string, labels, values []string, extra string, extraValue, v float64) []byte {
	b = append(b, name...)
	b = append(b, suffix...)
	if len(labels) > 0 || extra != "" {
		b = append(b, '{')
		for i, l := range labels {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, l...)
			b = append(b, `="`...)
			b = append(b, valueEscaper.Replace(values[i])...)
			b = append(b, '"')
		}
		if extra != "" {
			if len(labels) > 0 {
				b = append(b, ',')
			}
			b = append(b, extra...)
			b = append(b, `="`...)
			b = appendFloat(b, extraValue)
			b = append(b, '"')
		}
		b = append(b, '}')
	}
	b = append(b, ' ')
	b = appendFloat(b, v)
	return append(b, '\n')
}

// appendFloat writes a float as Prometheus does: the shortest exact
// decimal, exponent for large numbers (1.087248e+06), +Inf, -Inf and NaN.
func appendFloat(b []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, "NaN"...)
	case math.IsInf(f, 1):
		return append(b, "+Inf"...)
	case math.IsInf(f, -1):
		return append(b, "-Inf"...)
	}
	return strconv.AppendFloat(b, f, 'g', -1, 64)
}
