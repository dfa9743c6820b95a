// Package timecond decides "is it office hours now?": time conditions
// (a "time rule" in the PBX's words) made of a weekly schedule and holidays,
// evaluated in the condition's own IANA time zone, plus the office-closed
// override that a feature code sets. It is pure: no clock, no storage; the
// caller passes the instant and stores the override.
//
// Semantics, decided once here:
//
//   - A Range is wall-clock time of day with minute resolution: Start
//     inclusive, End exclusive, so 09:00-18:00 is open at 09:00 and closed
//     at 18:00; 00:00-24:00 is the whole day. Seconds are ignored: 17:59:59
//     is still open.
//   - A range whose end is before its start crosses midnight: fri 22:00-06:00
//     is open from Friday 22:00 to Saturday 06:00. It belongs to the day it
//     starts on. A range whose end equals its start is an error (say
//     00:00-24:00 for a whole day).
//   - Ranges of one day must not overlap each other; a range crossing
//     midnight may meet or overlap the next day's ranges (they join).
//   - Holidays close: a holiday wins over the weekly schedule. A holiday is a
//     date (2026-12-25), a yearly date (12-25), or a range of either
//     (2026-12-24..2027-01-02, 12-24..01-02 crossing the year end), each for
//     the whole day or only for its own time ranges (a half-day holiday
//     "2026-12-24 12:00-24:00" closes the afternoon only). A holiday range
//     crossing midnight closes the next morning too, like a weekly range.
//     Yearly 02-29 applies in leap years only.
//   - Daylight saving time: everything is wall-clock time in the zone. On a
//     spring-forward day the skipped hour simply does not happen, so a range
//     02:00-03:00 is empty and 01:00-04:00 lasts two real hours; on a
//     fall-back day the repeated hour happens twice, so 02:00-03:00 is open
//     for two real hours.
//   - An Override (the office-closed feature code) forces closed or open
//     until its Until instant (exclusive) or, with a zero Until, until the
//     caller clears it.
//
// Next reports the next instant the state changes, for an admin display;
// an override is the caller's to show (its Until is known).
package timecond
