// Package mix computes the N-1 mix of a conference: every participant
// hears the sum of all speaking participants but itself.
//
// The sum is taken once per frame in int32 (no clipping between
// participants), then each output is the sum minus the participant's own
// contribution, saturated to int16: O(N) per frame, not O(N²). The same
// call can write the full mix, for recording the conference.
package mix
