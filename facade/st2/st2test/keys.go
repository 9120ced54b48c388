package st2test

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"
)

const (
	systemScope = "st2kv.system"
	userScope   = "st2kv.user"
)

// kvPair is one key of the datastore.
type kvPair struct {
	id, scope, name, user string // name without the user prefix
	value                 string // plain text
	secret                bool
	description           string
	expire                time.Time // zero: never
}

// cipherKey stands for the instance's [keyvalue] encryption key.
type cipherKey struct{ aead cipher.AEAD }

func newCipherKey() *cipherKey {
	k := make([]byte, 32)
	_, _ = rand.Read(k)
	block, _ := aes.NewCipher(k)
	aead, _ := cipher.NewGCM(block)
	return &cipherKey{aead: aead}
}

// encrypt gives the upper-case hex cipher text st2 shows for secrets.
func (k *cipherKey) encrypt(plain string) string {
	nonce := make([]byte, k.aead.NonceSize())
	_, _ = rand.Read(nonce)
	return strings.ToUpper(hex.EncodeToString(k.aead.Seal(nonce, nonce, []byte(plain), nil)))
}

func (k *cipherKey) decrypt(text string) (string, error) {
	raw, err := hex.DecodeString(text)
	if err != nil || len(raw) < k.aead.NonceSize() {
		return "", errors.New("not cipher text of this instance")
	}
	n := k.aead.NonceSize()
	plain, err := k.aead.Open(nil, raw[:n], raw[n:], nil)
	if err != nil {
		return "", errors.New("not cipher text of this instance")
	}
	return string(plain), nil
}

// fullScope normalises a scope; "" stays "".
func fullScope(s string) string {
	switch s {
	case "system":
		return systemScope
	case "user":
		return userScope
	}
	return s
}

func (st *state) liveKeys(now time.Time) []*kvPair {
	st.keys = slices.DeleteFunc(st.keys, func(k *kvPair) bool { return !k.expire.IsZero() && !now.Before(k.expire) })
	return st.keys
}

func (st *state) findKey(scope, user, name string, now time.Time) *kvPair {
	for _, k := range st.liveKeys(now) {
		if k.scope == scope && k.name == name && (scope == systemScope || k.user == user) {
			return k
		}
	}
	return nil
}

// keyOut renders a key; secrets show their cipher text unless decrypt.
func (st *state) keyOut(k *kvPair, decrypt bool) doc {
	ref := k.name
	if k.scope == userScope {
		ref = k.user + ":" + k.name
	}
	d := doc{
		"id": k.id, "uid": "key_value_pair:" + k.scope + ":" + ref, "name": k.name,
		"value": k.value, "scope": k.scope, "secret": k.secret, "encrypted": false,
	}
	if k.scope == userScope {
		d["user"] = k.user
	}
	if k.secret && !decrypt {
		d["value"] = st.cipher.encrypt(k.value)
		d["encrypted"] = true
	}
	if k.description != "" {
		d["description"] = k.description
	}
	if !k.expire.IsZero() {
		d["expire_timestamp"] = formatTime(k.expire)
	}
	return d
}

// keyScope resolves scope and user the way the key controller does.
func (c *reqCtx) keyScope(forList bool) (scope, user string, err error) {
	scope = fullScope(c.q.Get("scope"))
	user = c.q.Get("user")
	if scope == "" || (!forList && scope == "all") {
		scope = systemScope
	}
	if user != "" {
		scope = userScope
	}
	if user == "" {
		user = c.user
	}
	if user != c.user && !c.s.cfg.rbac {
		return "", "", errForbidden("\"user\" attribute can only be provided by admins when RBAC is enabled")
	}
	if user != c.user && !c.isAdmin() {
		return "", "", errForbidden("\"user\" attribute can only be provided by admins")
	}
	allowed := []string{systemScope, userScope}
	if forList {
		allowed = append(allowed, "all")
	}
	if !slices.Contains(allowed, scope) {
		if forList {
			return "", "", errBad("Invalid scope: %s", scope)
		}
		return "", "", errBad("Scope %s is not in allowed scopes list: ['st2kv.system', 'st2kv.user'].", scope)
	}
	return scope, user, nil
}

func (c *reqCtx) checkDecrypt(scope string) (bool, error) {
	decrypt, _, err := c.boolParam("decrypt")
	if err != nil {
		return false, err
	}
	if decrypt && scope != userScope && !c.isAdmin() {
		return false, errForbidden("Decrypt option requires administrator access")
	}
	return decrypt, nil
}

func (st *state) listKeys(c *reqCtx) (int, any, error) {
	scope, user, err := c.keyScope(true)
	if err != nil {
		return 0, nil, err
	}
	decrypt, err := c.checkDecrypt(scope)
	if err != nil {
		return 0, nil, err
	}
	prefix, name := c.q.Get("prefix"), c.q.Get("name")
	part := func(sc string) ([]doc, error) {
		var items []doc
		for _, k := range st.liveKeys(c.now) {
			if k.scope != sc || (sc == userScope && k.user != user) {
				continue
			}
			if !strings.HasPrefix(k.name, prefix) || (name != "" && k.name != name) {
				continue
			}
			items = append(items, st.keyOut(k, decrypt))
		}
		_, out, err := c.page(items, listSpec{defaultLimit: 100, offset: true, noCount: true,
			sortable: map[string]string{"name": "name", "scope": "scope"}})
		if err != nil {
			return nil, err
		}
		var docs []doc
		for _, o := range out.([]any) {
			docs = append(docs, o.(doc))
		}
		return docs, nil
	}
	result := []any{}
	if scope == "all" || scope == systemScope {
		sys, err := part(systemScope)
		if err != nil {
			return 0, nil, err
		}
		for _, d := range sys {
			result = append(result, d)
		}
	}
	if scope == "all" || scope == userScope {
		usr, err := part(userScope)
		if err != nil {
			return 0, nil, err
		}
		for _, d := range usr {
			result = append(result, d)
		}
	}
	return http.StatusOK, result, nil
}

func (st *state) getKey(c *reqCtx) (int, any, error) {
	scope, user, err := c.keyScope(false)
	if err != nil {
		return 0, nil, err
	}
	decrypt, err := c.checkDecrypt(scope)
	if err != nil {
		return 0, nil, err
	}
	name := c.r.PathValue("name")
	k := st.findKey(scope, user, name, c.now)
	if k == nil {
		ref := name
		if scope == userScope {
			ref = user + ":" + name
		}
		return 0, nil, errf(http.StatusNotFound, "KeyValuePair with name: %s and scope: %s not found in db.", ref, scope)
	}
	return http.StatusOK, st.keyOut(k, decrypt), nil
}

var keyFields = map[string]string{
	"id": "string", "uid": "string", "name": "string", "description": "string", "value": "string",
	"secret": "boolean", "encrypted": "boolean", "scope": "string", "expire_timestamp": "string",
	"ttl": "integer|null", "user": "string",
}

func (st *state) putKey(c *reqCtx) (int, any, error) {
	in, err := c.object()
	if err != nil {
		return 0, nil, err
	}
	if err := checkFields(in, keyFields, []string{"name", "value"}); err != nil {
		return 0, nil, err
	}
	name := c.r.PathValue("name")
	scope := fullScope(str(in["scope"]))
	if scope == "" {
		scope = systemScope
	}
	user := str(in["user"])
	if user != "" {
		scope = userScope
	} else {
		user = c.user
	}
	if user != c.user && (!c.s.cfg.rbac || !c.isAdmin()) {
		return 0, nil, errForbidden("\"user\" attribute can only be provided by admins when RBAC is enabled")
	}
	if scope != systemScope && scope != userScope {
		return 0, nil, errBad("Scope %s is not in allowed scopes list: ['st2kv.system', 'st2kv.user'].", scope)
	}
	secret, _ := in["secret"].(bool)
	encrypted, _ := in["encrypted"].(bool)
	value := str(in["value"])
	if encrypted {
		if !c.isAdmin() {
			return 0, nil, errForbidden("Pre-encrypted option requires administrator access")
		}
		secret = true
	}
	if secret && st.cipher == nil {
		return 0, nil, errBad("Crypto key not found in \"\". Unable to encrypt / decrypt value for key %s.", name)
	}
	if encrypted {
		plain, err := st.cipher.decrypt(value)
		if err != nil {
			return 0, nil, errBad("Failed to verify the integrity of the provided value for key \"%s\". Ensure that the value is encrypted with the correct key and not corrupted.", name)
		}
		value = plain
	}
	k := st.findKey(scope, user, name, c.now)
	if k == nil {
		k = &kvPair{id: st.newID(c.now), scope: scope, name: name}
		if scope == userScope {
			k.user = user
		}
		st.keys = append(st.keys, k)
	}
	k.value, k.secret, k.description = value, secret, str(in["description"])
	k.expire = time.Time{}
	if v, ok := in["ttl"]; ok && v != nil {
		ttl := num(v)
		if ttl < 1 {
			return 0, nil, errBad("TTL must be a positive integer.")
		}
		k.expire = c.now.Add(time.Duration(ttl) * time.Second)
	}
	return http.StatusOK, st.keyOut(k, false), nil
}

func (st *state) deleteKey(c *reqCtx) (int, any, error) {
	scope, user, err := c.keyScope(false)
	if err != nil {
		return 0, nil, err
	}
	name := c.r.PathValue("name")
	k := st.findKey(scope, user, name, c.now)
	if k == nil {
		ref := name
		if scope == userScope {
			ref = user + ":" + name
		}
		return 0, nil, errf(http.StatusNotFound, "KeyValuePair with name: %s and scope: %s not found in db.", ref, scope)
	}
	st.keys = slices.DeleteFunc(st.keys, func(x *kvPair) bool { return x == k })
	return http.StatusNoContent, nil, nil
}
