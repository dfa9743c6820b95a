package store

import (
	"strconv"
	"testing"
	"time"
)

func BenchmarkPutBinding(b *testing.B) {
	for _, mem := range []bool{false, true} {
		name := "disk"
		if mem {
			name = "memory"
		}
		b.Run(name, func(b *testing.B) {
			var s *Store
			if mem {
				s = openMem(b)
			} else {
				s = openDisk(b)
			}
			bind := testBinding("100", "", time.Now().Add(time.Hour))
			contacts := make([]string, 64)
			for i := range contacts {
				contacts[i] = "sip:100@192.0.2." + strconv.Itoa(i) + ":5060"
			}
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				bind.Contact = contacts[i%len(contacts)]
				if err := s.PutBinding(bind); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// On disk every AddCDR waits for an fsync (shared between concurrent callers).
func BenchmarkAddCDR(b *testing.B) {
	for _, mem := range []bool{false, true} {
		name := "disk"
		if mem {
			name = "memory"
		}
		b.Run(name, func(b *testing.B) {
			var s *Store
			if mem {
				s = openMem(b)
			} else {
				s = openDisk(b)
			}
			c := testCDR("100", "101", time.Now())
			b.ReportAllocs()
			for b.Loop() {
				// A fresh start time per record: one microsecond holds only
				// 4096 ids (see NewCDRID), real calls do not start that densely.
				c.ID, c.StartTime = "", time.Now()
				c.EndTime = c.StartTime
				if err := s.AddCDR(&c); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkAddCDRParallel(b *testing.B) {
	s := openDisk(b)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		c := testCDR("100", "101", time.Now())
		for pb.Next() {
			c.ID = ""
			if err := s.AddCDR(&c); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
