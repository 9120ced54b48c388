package cachettest

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/switchboard-go/switchboard/gen/cachetapi"
)

// Seeder adds data to a Server as if it had been created through the API
// by the token's owner: the same defaults, validation and side effects
// (an incident with component_status changes the component, a metric
// point may fold into an existing one). It takes the generated request
// types, so seeds read like the API calls they stand for.
//
// A Seeder is only valid inside the function given to WithSeed or
// Server.Seed. Its methods panic when the data would fail the server's
// validation: seeds are test code, and a panic names the broken seed
// where an ignored error would surface later as a confusing 404.
type Seeder struct {
	s *Server
	c *reqCtx
}

// Seed runs fn with exclusive access to the server's data, between
// requests. Use it to add data after the server started.
func (s *Server) Seed(fn func(*Seeder)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn(&Seeder{s: s, c: &reqCtx{s: s, loc: s.cfg.loc, now: s.now(), authed: true}})
}

// SeedComponents adds n operational components named "Component 1" to
// "Component n" and returns their ids.
func (s *Server) SeedComponents(n int) []int {
	var ids []int
	s.Seed(func(sd *Seeder) { ids = sd.Components(n) })
	return ids
}

// AddIncidentTemplate adds an incident template, which the real server
// only lets admins create in its dashboard, and returns its id. An empty
// slug is made from the name, as the dashboard does. The template is Twig;
// see the package documentation for the subset the emulator renders.
func (s *Server) AddIncidentTemplate(name, slug, twig string) int {
	var id int
	s.Seed(func(sd *Seeder) { id = sd.IncidentTemplate(name, slug, twig) })
	return id
}

// input turns a request value into the emulator's input, as its JSON body.
func seedInput(v any) *input {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("cachettest: seed: %v", err))
	}
	body, order := decodeJSONObject(b)
	return &input{body: body, bodyOrder: order}
}

func seedCheck(what string, err error) {
	if err != nil {
		panic(fmt.Sprintf("cachettest: seed %s: %v", what, err))
	}
}

// Component adds a component and returns its id.
func (sd *Seeder) Component(c cachetapi.ComponentCreate) int {
	x, err := sd.s.insertComponent(sd.c, seedInput(c))
	seedCheck("component", err)
	return x.id
}

// Components adds n operational components named "Component 1" to
// "Component n" and returns their ids.
func (sd *Seeder) Components(n int) []int {
	ids := make([]int, 0, n)
	for i := 1; i <= n; i++ {
		ids = append(ids, sd.Component(cachetapi.ComponentCreate{
			Name:   "Component " + strconv.Itoa(i),
			Status: cachetapi.ComponentStatusOperational,
		}))
	}
	return ids
}

// ComponentGroup adds a component group and returns its id. Like the API,
// it defaults to visible=0 (hidden from guests).
func (sd *Seeder) ComponentGroup(g cachetapi.ComponentGroupCreate) int {
	x, err := sd.s.insertGroup(sd.c, seedInput(g))
	seedCheck("component group", err)
	return x.id
}

// Incident adds an incident and returns its id.
func (sd *Seeder) Incident(i cachetapi.IncidentCreate) int {
	x, err := sd.s.insertIncident(sd.c, seedInput(i))
	seedCheck("incident", err)
	return x.id
}

// IncidentUpdate adds an update to an incident (whose status follows it)
// and returns its id.
func (sd *Seeder) IncidentUpdate(incidentID int, u cachetapi.IncidentUpdateCreate) int {
	x, err := sd.s.insertUpdate(sd.c, incidentID, seedInput(u))
	seedCheck("incident update", err)
	return x.id
}

// IncidentTemplate adds an incident template and returns its id; an empty
// slug is made from the name.
func (sd *Seeder) IncidentTemplate(name, slug, twig string) int {
	if name == "" || twig == "" {
		panic("cachettest: seed incident template: name and template are required")
	}
	if slug == "" {
		slug = slugify(name)
	}
	t := &incidentTemplate{name: name, slug: slug, template: twig, createdAt: sd.c.now, updatedAt: sd.c.now}
	t.id = sd.s.st.templates.insert(t)
	return t.id
}

// Metric adds a metric and returns its id.
func (sd *Seeder) Metric(m cachetapi.MetricCreate) int {
	x, err := sd.s.insertMetric(sd.c, seedInput(m))
	seedCheck("metric", err)
	return x.id
}

// MetricPoint adds a point to a metric and returns its id, which is an
// existing point's when the value folds into it (see the package doc).
func (sd *Seeder) MetricPoint(metricID int, p cachetapi.MetricPointCreate) int {
	x, err := sd.s.insertPoint(sd.c, metricID, seedInput(p))
	seedCheck("metric point", err)
	return x.id
}

// Schedule adds a maintenance schedule and returns its id.
func (sd *Seeder) Schedule(sc cachetapi.ScheduleCreate) int {
	x, err := sd.s.insertSchedule(sd.c, seedInput(sc))
	seedCheck("schedule", err)
	return x.id
}

// Subscriber adds a subscriber (or finds the one with that email) and
// returns its id.
func (sd *Seeder) Subscriber(sub cachetapi.SubscriberCreate) int {
	x, err := sd.s.insertSubscriber(sd.c, seedInput(sub))
	seedCheck("subscriber", err)
	return x.id
}
