package st2

import (
	"context"
	"iter"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/paging"
	"github.com/switchboard-go/switchboard/facade/internal/wire"
	"github.com/switchboard-go/switchboard/gen/st2api"
)

// Key-value scopes. The server also accepts the short forms "system" and
// "user".
const (
	ScopeSystem = "st2kv.system"
	ScopeUser   = "st2kv.user"
	// ScopeAll lists system keys and the caller's user keys (List only;
	// Get treats it as system).
	ScopeAll = "all"
)

// KeyValuePairSet is the body of Set: name and value are required;
// Secret asks the server to encrypt; TTL in seconds.
type KeyValuePairSet = st2api.KeyValuePairSet

// KeyManager manages the key-value datastore. Keys are addressed by name
// within a scope (and a user for user keys), not by id.
type KeyManager struct {
	c *Client
	// PageSize is the page size of List; zero is DefaultPageSize.
	PageSize int
}

// KeyOptions select the scope of one key.
type KeyOptions struct {
	// Scope is ScopeSystem (default) or ScopeUser.
	Scope string
	// User names another user's user-scoped key (admins; a 403 whenever
	// RBAC is off).
	User string
	// Decrypt returns a secret value in plain text (Get only).
	Decrypt bool
}

// KeyListOptions filter List.
type KeyListOptions struct {
	// Prefix keeps names starting with it.
	Prefix string
	// Scope: ScopeSystem (the server's default), ScopeUser or ScopeAll.
	Scope string
	// User lists another user's keys (implies user scope).
	User string
	// Decrypt returns secret values in plain text.
	Decrypt bool
}

// Get returns the key. A missing key is an error matching
// facade.ErrNotFound (st2client returns an empty list instead).
func (m *KeyManager) Get(ctx context.Context, name string, o KeyOptions) (KeyValuePair, error) {
	if err := checkPathValue("key", name); err != nil {
		return KeyValuePair{}, err
	}
	p := &st2api.GetKeyParams{}
	if o.Scope != "" {
		s := st2api.GetKeyParamsScope(o.Scope)
		p.Scope = &s
	}
	if o.User != "" {
		p.User = &o.User
	}
	if o.Decrypt {
		p.Decrypt = &o.Decrypt
	}
	resp, err := m.c.api.GetKey(ctx, name, p)
	return wire.Decode[KeyValuePair](m.c.call("GetKey"), resp, err)
}

// List returns every key matching o, page by page. The server sends no
// X-Total-Count here and pages the system and user parts separately, so
// the walk ends at the first page shorter than the page size.
func (m *KeyManager) List(ctx context.Context, o KeyListOptions) iter.Seq2[KeyValuePair, error] {
	size := m.PageSize
	if size <= 0 {
		size = DefaultPageSize
	}
	return paging.SeqWith(ctx, m.c.pager, 0, func(ctx context.Context, offset int) (paging.Page[KeyValuePair, int], error) {
		p := &st2api.ListKeysParams{Limit: &size, Offset: &offset}
		if o.Prefix != "" {
			p.Prefix = &o.Prefix
		}
		if o.Scope != "" {
			s := st2api.ListKeysParamsScope(o.Scope)
			p.Scope = &s
		}
		if o.User != "" {
			p.User = &o.User
		}
		if o.Decrypt {
			p.Decrypt = &o.Decrypt
		}
		resp, err := m.c.api.ListKeys(ctx, p)
		page, err := decodeList[KeyValuePair](m.c.call("ListKeys"), resp, err)
		if err != nil {
			return paging.Page[KeyValuePair, int]{}, err
		}
		// With scope all a page holds up to size system keys plus up to
		// size user keys; it is short only when both parts are exhausted.
		return paging.Page[KeyValuePair, int]{Items: page.Items, Next: offset + size, More: len(page.Items) >= size}, nil
	})
}

// Set creates or updates a key (PUT, 200 either way); the scope comes from
// kv.Scope.
func (m *KeyManager) Set(ctx context.Context, kv KeyValuePairSet) (KeyValuePair, error) {
	if err := checkPathValue("key", kv.Name); err != nil {
		return KeyValuePair{}, err
	}
	if kv.TTL < 0 {
		return KeyValuePair{}, &facade.ConfigError{Platform: platform, Setting: "ttl", Reason: "must be positive"}
	}
	resp, err := m.c.api.SetKey(ctx, kv.Name, kv)
	return wire.Decode[KeyValuePair](m.c.call("SetKey"), resp, err)
}

// Delete removes the key (204); a missing key matches facade.ErrNotFound.
func (m *KeyManager) Delete(ctx context.Context, name string, o KeyOptions) error {
	if err := checkPathValue("key", name); err != nil {
		return err
	}
	p := &st2api.DeleteKeyParams{}
	if o.Scope != "" {
		s := st2api.DeleteKeyParamsScope(o.Scope)
		p.Scope = &s
	}
	if o.User != "" {
		p.User = &o.User
	}
	resp, err := m.c.api.DeleteKey(ctx, name, p)
	return wire.NoContent(m.c.call("DeleteKey"), resp, err)
}
