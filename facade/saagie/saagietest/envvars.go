package saagietest

import (
	"regexp"
	"strings"
	"sync"
)

// envScope is one level of variables: a scope and the entity it belongs
// to (empty for GLOBAL).
type envScope struct{ scope, entityID string }

// envVarList lists the variables visible at the first of levels (most
// specific first), GLOBAL always last: a name defined at a lower level
// hides the higher ones, which show in its overriddenValues. only, when
// set, keeps one scope.
func (rc *reqCtx) envVarList(levels []envScope, only string) []*object {
	levels = append(levels, envScope{"GLOBAL", ""})
	st := rc.st()
	var winners []*envVar
	hidden := map[string][]*envVar{}
	seen := map[string]bool{}
	for _, l := range levels {
		for _, v := range ordered(st.envVars, func(v *envVar) bool { return v.scope == l.scope && v.entityID == l.entityID }) {
			if seen[v.name] {
				hidden[v.name] = append(hidden[v.name], v)
				continue
			}
			seen[v.name] = true
			winners = append(winners, v)
		}
	}
	out := []*object{}
	for _, v := range winners {
		if only != "" && v.scope != only {
			continue
		}
		out = append(out, rc.envVarObj(v, hidden[v.name]))
	}
	return out
}

var envNameRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`) })

// envError is the validation error of a variable: "Environment variable
// not valid" with the EnvironmentVariableValidationErrorType as reason.
func envError(reason string) *gqlError {
	return notValid("Environment variable", "environmentVariable", reason)
}

// checkEntity verifies that entityID names an object of the scope.
func (rc *reqCtx) checkEntity(scope, entityID string) error {
	st := rc.st()
	switch scope {
	case "GLOBAL":
		if entityID != "" {
			return envError("UNEXPECTED_LINKED_ENTITY_ON_GLOBAL_SCOPE")
		}
		return nil
	case "PROJECT":
		if entityID == "" {
			return envError("UNEXPECTED_LINKED_ENTITY_ID_IS_NULL")
		}
		if st.projects[entityID] == nil {
			return envError("PROJECT_IS_NOT_FOUND")
		}
	case "PIPELINE":
		if entityID == "" {
			return envError("UNEXPECTED_LINKED_ENTITY_ID_IS_NULL")
		}
		if st.pipelines[entityID] == nil {
			return envError("PROJECT_IS_NOT_FOUND")
		}
	case "APP":
		if entityID == "" {
			return envError("UNEXPECTED_LINKED_ENTITY_ID_IS_NULL")
		}
		if st.apps[entityID] == nil {
			return envError("APP_IS_NOT_FOUND")
		}
	case "JOB":
		if entityID == "" {
			return envError("UNEXPECTED_LINKED_ENTITY_ID_IS_NULL")
		}
		if st.jobs[entityID] == nil {
			return envError("JOB_IS_NOT_FOUND")
		}
	}
	return nil
}

func checkEnvName(name string) error {
	switch {
	case name == "":
		return envError("NAME_IS_EMPTY")
	case len(name) > 255:
		return envError("TOO_LONG_NAME")
	case !envNameRE().MatchString(name):
		if c := name[0]; !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
			return envError("NAME_DOESNT_START_WITH_LETTER")
		}
		return envError("NAME_CONTAINS_INVALID_CHARACTERS")
	}
	return nil
}

func (rc *reqCtx) saveEnvironmentVariable(a map[string]any) (any, error) {
	in := argMap(a, "environmentVariable")
	entityID := argStr(a, "entityId")
	scope := argStr(in, "scope")
	if err := rc.checkEntity(scope, entityID); err != nil {
		return nil, err
	}
	name := argStr(in, "name")
	if err := checkEnvName(name); err != nil {
		return nil, err
	}
	st := rc.st()
	id := argStr(in, "id")
	for _, v := range st.envVars {
		if v.scope == scope && v.entityID == entityID && v.name == name && v.id != id {
			return nil, envError("NAME_ALREADY_USED")
		}
	}
	value := argOptStr(in, "value")
	if id != "" {
		v := st.envVars[id]
		if v == nil || v.scope != scope || v.entityID != entityID {
			return nil, notExists("EnvironmentVariable")
		}
		v.name, v.description, v.isPassword = name, argStr(in, "description"), argBool(in, "isPassword")
		if value != nil {
			v.value = *value
		} else if !v.isPassword {
			return nil, envError("NULL_VALUE_UNEXPECTED")
		}
		return rc.envVarObj(v, nil), nil
	}
	if value == nil {
		return nil, envError("NULL_VALUE_UNEXPECTED")
	}
	v := &envVar{seqd: seqd{st.next()}, id: rc.newUUID(), scope: scope, entityID: entityID, name: name,
		value: *value, description: argStr(in, "description"), isPassword: argBool(in, "isPassword")}
	st.envVars[v.id] = v
	return rc.envVarObj(v, nil), nil
}

// replaceEnvironmentVariablesByRaw replaces every variable of one scope
// and entity with the KEY=VALUE lines of raw (blank lines and # comments
// ignored), and returns the new set.
func (rc *reqCtx) replaceEnvironmentVariablesByRaw(a map[string]any) (any, error) {
	entityID, scope := argStr(a, "entityId"), argStr(a, "scope")
	if err := rc.checkEntity(scope, entityID); err != nil {
		return nil, err
	}
	type kv struct{ k, v string }
	var pairs []kv
	seen := map[string]bool{}
	for _, line := range strings.Split(argStr(a, "rawEnvironmentVariables"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			return nil, envError("NULL_VALUE_UNEXPECTED")
		}
		k = strings.TrimSpace(k)
		if err := checkEnvName(k); err != nil {
			return nil, err
		}
		if seen[k] {
			return nil, envError("NAME_ALREADY_USED")
		}
		seen[k] = true
		pairs = append(pairs, kv{k, v})
	}
	st := rc.st()
	for id, v := range st.envVars {
		if v.scope == scope && v.entityID == entityID {
			delete(st.envVars, id)
		}
	}
	var out []*object
	for _, p := range pairs {
		v := &envVar{seqd: seqd{st.next()}, id: rc.newUUID(), scope: scope, entityID: entityID, name: p.k, value: p.v}
		st.envVars[v.id] = v
		out = append(out, rc.envVarObj(v, nil))
	}
	return nonNilObjs(out), nil
}

func (rc *reqCtx) deleteEnvironmentVariable(a map[string]any) (any, error) {
	id := argStr(a, "id")
	if rc.st().envVars[id] == nil {
		return nil, notExists("EnvironmentVariable")
	}
	delete(rc.st().envVars, id)
	return true, nil
}
