package st2

import "github.com/switchboard-go/switchboard/facade"

// SaveToken stores t in the st2 CLI's token cache, <dir>/token-<t.User>
// (dir empty: ~/.st2), where clients configured with that username find it
// (see Config.TokenCacheDir), as `st2 login` does. The file holds the
// token and its expiry in the CLI's JSON format; it is private to the user
// (0600 in a 0700 directory, where the CLI uses 0660 and 2770) and
// replaced atomically. It returns the path written.
func SaveToken(dir string, t Token) (string, error) {
	if t.User == "" || t.Value == "" {
		return "", &facade.ConfigError{Platform: platform, Setting: "token", Reason: "needs a user and a value to be cached"}
	}
	path, err := Config{TokenCacheDir: dir, Username: t.User}.tokenCachePath()
	if err != nil {
		return "", err
	}
	return path, writeTokenCache(path, t)
}
