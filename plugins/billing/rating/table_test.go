package rating

import (
	"errors"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"unsafe"
)

func TestTableLookup(t *testing.T) {
	var tb Table
	add := func(prefix string, dir Direction, price Money) {
		t.Helper()
		if err := tb.Add(Rate{Prefix: prefix, Direction: dir, PriceN: price}); err != nil {
			t.Fatal(err)
		}
	}
	add("4", Outbound, 1)
	add("44", Outbound, 2)
	add("4420", Outbound, 3)
	add("+44", Outbound, 4)
	add("44", Inbound, 5)
	add("1", Internal, 6)
	for _, tc := range []struct {
		dir    Direction
		number string
		want   Money // PriceN of the rate, 0 = none
	}{
		{Outbound, "4420712345", 3},
		{Outbound, "4430712345", 2},
		{Outbound, "4420", 3},
		{Outbound, "442", 2},
		{Outbound, "44", 2},
		{Outbound, "4", 1},
		{Outbound, "49", 1},
		{Outbound, "", 0},
		{Outbound, "5", 0},
		{Outbound, "+4420", 4}, // the + is significant
		{Outbound, "+49", 0},   // no "+4" rate
		{Outbound, "0044", 0},  // no rewriting
		{Inbound, "4420", 5},   // by direction
		{Inbound, "4", 0},
		{Internal, "1001", 6},
		{"Outbound", "4420", 0}, // unknown direction
		{Outbound, "44x20", 2},  // non-digits just stop the match
		{Outbound, "4420" + string(make([]byte, 100)), 3},
	} {
		r, ok := tb.Lookup(tc.dir, tc.number)
		if ok != (tc.want != 0) || r.PriceN != tc.want {
			t.Errorf("Lookup(%s, %q) = %s/%s, %v; want rate %d", tc.dir, tc.number, r.Direction, r.Prefix, ok, tc.want)
		}
	}
	if n := tb.Len(); n != 6 {
		t.Errorf("Len = %d", n)
	}
	var empty Table
	if _, ok := empty.Lookup(Outbound, "44"); ok || empty.Len() != 0 || len(empty.Rates()) != 0 {
		t.Error("the zero Table is not empty")
	}
}

func TestTableAdd(t *testing.T) {
	var tb Table
	r := Rate{Prefix: "44", Direction: Outbound, PriceN: 1}
	if err := tb.Add(r); err != nil {
		t.Fatal(err)
	}
	dup := r
	dup.PriceN = 2
	err := tb.Add(dup)
	if !errors.Is(err, ErrDuplicate) || err.Error() != `rating: add outbound rate "44": duplicate rate` {
		t.Errorf("Add(duplicate) = %v", err)
	}
	if got, _ := tb.Lookup(Outbound, "44"); got.PriceN != 1 {
		t.Errorf("a duplicate replaced the rate: %+v", got)
	}
	other := r
	other.Direction = Inbound
	if err := tb.Add(other); err != nil {
		t.Errorf("same prefix, other direction: %v", err)
	}
	bad := r
	bad.Prefix = "4-4"
	var fe *FieldError
	if err := tb.Add(bad); !errors.As(err, &fe) || fe.Field != "prefix" {
		t.Errorf("Add(invalid) = %v", err)
	}
	if tb.Len() != 2 {
		t.Errorf("Len = %d, want 2", tb.Len())
	}
}

func TestTableRatesOrder(t *testing.T) {
	var tb Table
	for _, k := range []struct {
		p string
		d Direction
	}{{"9", Internal}, {"44", Outbound}, {"+1", Outbound}, {"4", Outbound}, {"2", Inbound}, {"10", Internal}} {
		if err := tb.Add(Rate{Prefix: k.p, Direction: k.d}); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for _, r := range tb.Rates() {
		got = append(got, string(r.Direction)+"/"+r.Prefix)
	}
	want := []string{"inbound/2", "outbound/+1", "outbound/4", "outbound/44", "internal/10", "internal/9"}
	if !slices.Equal(got, want) {
		t.Errorf("Rates = %v, want %v", got, want)
	}
}

// Against a linear scan of every rate.
func TestTableLookupScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	tb, rates := randTable(rng, 2000, 5)
	for range 10000 {
		dir := directions[rng.IntN(len(directions))]
		num := randNumber(rng, 8)
		var want Rate
		found := false
		for _, r := range rates {
			if r.Direction == dir && len(r.Prefix) <= len(num) && num[:len(r.Prefix)] == r.Prefix && len(r.Prefix) > len(want.Prefix) {
				want, found = r, true
			}
		}
		got, ok := tb.Lookup(dir, num)
		if ok != found || got != want {
			t.Fatalf("Lookup(%s, %s) = %+v, %v; scan %+v, %v", dir, num, got, ok, want, found)
		}
	}
}

// Children added in every order, under nodes that already have
// subtrees: growing a children block moves nodes with their subtrees.
func TestTableTrieGrowth(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 20))
	for range 200 {
		var tb Table
		var want []string
		for _, d := range rng.Perm(10) {
			for _, p := range []string{strconv.Itoa(d), "7" + strconv.Itoa(d), "7" + strconv.Itoa(d) + "3", "+" + strconv.Itoa(d) + "12"} {
				if tb.has(Outbound, p) {
					continue
				}
				if err := tb.Add(Rate{Prefix: p, Direction: Outbound}); err != nil {
					t.Fatal(err)
				}
				want = append(want, p)
			}
			for _, p := range want {
				if r, ok := tb.Lookup(Outbound, p+"#9"); !ok || r.Prefix != p {
					t.Fatalf("Lookup(%s#9) = %q, %v after adding %v", p, r.Prefix, ok, want)
				}
			}
		}
		if live := tb.Len(); len(tb.nodes) > 3*live {
			t.Errorf("%d nodes for %d rates", len(tb.nodes), live)
		}
	}
}

func randNumber(rng *rand.Rand, n int) string {
	b := make([]byte, 0, n+1)
	if rng.IntN(10) == 0 {
		b = append(b, '+')
	}
	for range n {
		b = append(b, byte('0'+rng.IntN(10)))
	}
	return string(b)
}

// randTable makes n distinct random rates with prefixes of 1 to maxLen
// digits, and a table of them.
func randTable(rng *rand.Rand, n, maxLen int) (*Table, []Rate) {
	var tb Table
	var rates []Rate
	for len(rates) < n {
		r := randRate(rng)
		r.Prefix = randNumber(rng, 1+rng.IntN(maxLen))
		r.Direction = directions[rng.IntN(len(directions))]
		if tb.Add(r) == nil {
			rates = append(rates, r)
		}
	}
	return &tb, rates
}

// A table of 10k rates with prefixes of 1 to 8 digits (country and
// network codes), numbers of 11 digits.
func BenchmarkLookup(b *testing.B) {
	rng := rand.New(rand.NewPCG(13, 14))
	tb, _ := randTable(rng, 10000, 8)
	nums := make([]string, 4096)
	for i := range nums {
		nums[i] = randNumber(rng, 11)
	}
	hits := 0
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, ok := tb.Lookup(Outbound, nums[i%len(nums)]); ok {
			hits++
		}
	}
	b.ReportMetric(float64(hits)/float64(b.N), "hits/op")
	b.ReportMetric(float64(cap(tb.nodes))*float64(unsafe.Sizeof(trieNode{}))/float64(tb.Len()), "index-B/rate")
}

func BenchmarkAdd10k(b *testing.B) {
	rates := make([]Rate, 10000)
	for i := range rates {
		rates[i] = Rate{Prefix: strconv.Itoa(1_000_000 + i), Direction: Outbound}
	}
	b.ReportAllocs()
	for b.Loop() {
		var tb Table
		for _, r := range rates {
			if err := tb.Add(r); err != nil {
				b.Fatal(err)
			}
		}
	}
}
