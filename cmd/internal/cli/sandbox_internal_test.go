package cli

import "testing"

func TestListenAddr(t *testing.T) {
	cases := []struct {
		in         string
		listen     string
		everywhere bool
		wantErr    bool
	}{
		{"127.0.0.1:0", "127.0.0.1:0", false, false},
		{":8080", "127.0.0.1:8080", false, false},
		{"localhost:9", "localhost:9", false, false},
		{"0.0.0.0:8080", "0.0.0.0:8080", true, false},
		{"[::]:8080", "[::]:8080", true, false},
		{"[::1]:8080", "[::1]:8080", false, false},
		{"8080", "", false, true},
	}
	for _, c := range cases {
		listen, everywhere, err := listenAddr(c.in)
		if (err != nil) != c.wantErr || listen != c.listen || everywhere != c.everywhere {
			t.Errorf("listenAddr(%q) = %q, %v, %v; want %q, %v, error %v", c.in, listen, everywhere, err, c.listen, c.everywhere, c.wantErr)
		}
	}
}
