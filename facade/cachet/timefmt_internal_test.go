package cachet

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// parseOutput must agree with time.ParseInLocation on everything it
// accepts, and leave everything else to it.
func checkParseOutput(t *testing.T, s string, loc *time.Location) {
	t.Helper()
	want, werr := time.ParseInLocation(outputLayout, s, loc)
	got, ok := parseOutput(s, loc)
	switch {
	case ok && werr != nil:
		t.Errorf("parseOutput(%q) accepted what time.Parse refuses: %v", s, werr)
	case ok && (!got.Equal(want) || got.Location() != want.Location() || got.String() != want.String()):
		t.Errorf("parseOutput(%q) = %v, time.Parse %v", s, got, want)
	}
}

func TestParseOutputAgreesWithTimeParse(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	for _, loc := range []*time.Location{time.UTC, paris} {
		for _, s := range []string{
			"2024-05-01 12:34:56", "2024-02-29 00:00:00", "2023-02-29 00:00:00", "2023-02-28 23:59:59",
			"2024-04-31 10:00:00", "2024-12-31 23:59:59", "0000-01-01 00:00:00", "9999-12-31 23:59:59",
			"2024-13-01 00:00:00", "2024-00-10 00:00:00", "2024-01-00 00:00:00", "2024-01-01 24:00:00",
			"2024-01-01 23:60:00", "2024-01-01 23:59:60", "2024-1-01 00:00:00", "2024-01-01T00:00:00",
			"2024-01-01 00:00", "2024-01-01 00:00:00Z", "+024-01-01 00:00:00", "2024-01-01 0a:00:00",
			"2024-03-31 02:30:00", // in Paris' spring-forward gap
			"2024-10-27 02:30:00", // in Paris' autumn overlap
			"", "not a time at all!!",
		} {
			checkParseOutput(t, s, loc)
		}
		// The fast path must take what the server sends, not leave it all
		// to time.Parse.
		for _, s := range []string{"2024-05-01 12:34:56", "2024-02-29 00:00:00", "2024-10-27 02:30:00"} {
			if _, ok := parseOutput(s, loc); !ok {
				t.Errorf("parseOutput(%q) left a well-formed timestamp to time.Parse", s)
			}
		}
		rng := rand.New(rand.NewPCG(1, 2))
		for range 20000 {
			s := fmt.Sprintf("%04d-%02d-%02d %02d:%02d:%02d", rng.IntN(10000), rng.IntN(14), rng.IntN(33), rng.IntN(25), rng.IntN(61), rng.IntN(61))
			checkParseOutput(t, s, loc)
		}
	}
}

func FuzzParseOutput(f *testing.F) {
	f.Add("2024-05-01 12:34:56")
	f.Add("2023-02-29 00:00:00")
	f.Add("2024-01-01 0a:00:00")
	f.Fuzz(func(t *testing.T, s string) {
		checkParseOutput(t, s, time.UTC)
	})
}

// daysIn agrees with time.Date's calendar on every month of every year
// parseOutput can read (0000 to 9999).
func TestDaysInAgreesWithTimeDate(t *testing.T) {
	for year := 0; year <= 9999; year++ {
		for month := 1; month <= 12; month++ {
			want := time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
			if got := daysIn(month, year); got != want {
				t.Fatalf("daysIn(%d, %d) = %d, time.Date says %d", month, year, got, want)
			}
		}
	}
}
