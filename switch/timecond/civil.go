package timecond

import "time"

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if isLeap(y) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// prevDay returns the calendar day before y-m-d.
func prevDay(y int, m time.Month, d int) (int, time.Month, int) {
	if d > 1 {
		return y, m, d - 1
	}
	if m == time.January {
		return y - 1, time.December, 31
	}
	return y, m - 1, daysIn(y, m-1)
}
