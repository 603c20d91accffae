package llm

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// lookalikes maps the Cyrillic and Greek letters that look like Latin ones
// (in most fonts Slack uses) to those Latin letters, by case: Greek capital
// Ν reads N, its small ν reads v. Unicode's confusables list has more; these
// are the ones a name can be spelt with and still read as the name.
var lookalikes = map[rune]rune{}

func init() {
	for _, pair := range strings.Fields(`
		АA ВB ЕE ЅS ІI ЈJ КK МM НH ОO РP СC ТT ХX УY ҮY ԚQ ԜW ӀI ѴV
		аa вb еe ѕs іi јj кk мm нh оo рp сc тt хx уy үy ԛq ԝw ӏl ѵv һh ԁd ьb
		ΑA ΒB ΕE ΖZ ΗH ΙI ΚK ΜM ΝN ΟO ΡP ΤT ΥY ΧX
		αa βb εe ιi κk νv οo ρp τt υu χx γy`) {
		rs := []rune(pair)
		lookalikes[rs[0]] = rs[1]
	}
}

// foldLookalikes is s as a reader sees it, for telling whether it names
// someone: compatibility forms as what they stand for (NFKD: full-width
// "Ｂｏｂ", mathematical "𝐁𝐨𝐛", ligatures), marks over letters taken off
// ("Bób", and a mark a font barely shows), and Cyrillic and Greek
// look-alikes as Latin letters ("Воb"). Both sides of a comparison are
// folded, so a name in another script still matches itself. ASCII, the
// common case, is returned as it is, at the cost of one scan.
func foldLookalikes(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Mn, r) {
			return -1
		}
		if l, ok := lookalikes[r]; ok {
			return l
		}
		return r
	}, norm.NFKD.String(s))
}

// nameWords are the lower-cased words of s, look-alike letters folded
// (foldLookalikes): the words a name check compares with nameParts.
func nameWords(s string) []string { return words(foldLookalikes(s)) }
