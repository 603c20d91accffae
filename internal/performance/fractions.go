package performance

import "math"

// fractionCeiling is the largest figure a file of fractions of quota is
// taken to hold throughout: 3.0 is 300% of quota. A file of percents
// where every rep stands at 3% or less is not one a CRM exports.
const fractionCeiling = 3

// LooksLikeFractions reports whether entries hold fractions of quota
// (0.875 for 87.5%) rather than the percents the file is read as: every
// figure at most fractionCeiling and at least one with decimals, and no
// cell with a % sign, which says percent (2.5% early in a month). A
// spreadsheet's percent-formatted cells export as fractions, and read as
// percents they would put every rep under 1% of quota: the digest's share
// at quota would be nought and the tiers meaningless, with nothing said.
// A file of whole numbers alone (a month with nothing attained yet) is
// not taken for one.
func LooksLikeFractions(entries []Entry) bool {
	decimals := false
	for _, e := range entries {
		if e.PercentSign || e.Attainment > fractionCeiling {
			return false
		}
		if e.Attainment != math.Trunc(e.Attainment) {
			decimals = true
		}
	}
	return decimals
}

// FromFractions reads each figure as a fraction of quota, in percent
// (0.875 becomes 87.5), refusing, line by line, a cell with a % sign (a
// percent already: 5% would become 500%) and a figure past MaxAttainment
// once read so: a file of percents given as fractions.
func FromFractions(entries []Entry) ([]Entry, error) {
	out := make([]Entry, len(entries))
	var errs Errors
	for i, e := range entries {
		if e.PercentSign {
			errs.Add(e.Line, colAttainment, "%g%% has a %% sign, and --fractions reads fractions such as 0.875: drop the %% or the flag", e.Attainment)
			continue
		}
		// Rounded to the 1e-9: 0.875*100 is 87.50000000000001 in floats.
		e.Attainment = math.Round(e.Attainment*100*1e9) / 1e9
		if e.Attainment > MaxAttainment {
			errs.Add(e.Line, colAttainment, "%g as a fraction of quota is %g%%, past %d%%: is the file in percents already?",
				e.Attainment/100, e.Attainment, MaxAttainment)
		}
		out[i] = e
	}
	if err := errs.OrNil(); err != nil {
		return nil, err
	}
	return out, nil
}
