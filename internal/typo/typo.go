// Package typo measures how far a word is from another, for the "did you
// mean" of mistyped commands and column names.
package typo

// Distance is the optimal string alignment distance between a and b: the
// insertions, deletions, substitutions and swaps of two neighbours that
// turn one into the other, each character edited once ("histroy" is one
// swap from "history"). It counts characters, not bytes.
func Distance(a, b string) int {
	x, y := []rune(a), []rune(b)
	d := make([][]int, len(x)+1)
	for i := range d {
		d[i] = make([]int, len(y)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(x); i++ {
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(x)][len(y)]
}

// Tolerance is how many edits a word may be from a name and still be
// taken for a typo of it: one for a short word ("stat", "dmo"), where two
// would reach names, everyday words and other commands ("sam" is two from
// "team"), two for a longer one ("hsitroy", "versoin").
func Tolerance(w string) int {
	if len([]rune(w)) < 5 {
		return 1
	}
	return 2
}
