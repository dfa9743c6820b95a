package rating

import "io"

// ReadCSVLines is ReadCSV, also giving the line of each rate in the input
// (lines[i] is the line of rates[i]), so that a caller that checks the
// rates against a store of its own can name the line of a duplicate.
func ReadCSVLines(r io.Reader) (rates []Rate, lines []int, err error) {
	return readCSV(r)
}
