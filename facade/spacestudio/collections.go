package spacestudio

import (
	"context"
	"io"
	"net/http"
	"slices"

	"github.com/switchboard-go/switchboard/gen/spacestudioapi"
)

// Collection describes one collection of the API: its path under
// /exoops/users/{userId}, the module of the Python package it belongs to,
// and whether it holds missions (which can be computed).
type Collection struct {
	// Name is the collection's short name as the CLI spells it, e.g.
	// "orbit" or "simulation-mission".
	Name string
	// Path is the collection's path segment, e.g. "orbitdefinitions".
	Path string
	// Module is the Python package's module, e.g. "simulation".
	Module string
	// Title names one element for people, e.g. "Orbit".
	Title string
	// Mission reports a mission collection: it also has compute, status
	// and results.
	Mission bool

	field string // the Client field holding its manager
}

// Collections lists every collection the client knows, in the order of
// the Python package's urls.py.
func Collections() []Collection { return slices.Clone(collections) }

// LookupCollection finds a collection by its Name or its Path.
func LookupCollection(name string) (Collection, bool) {
	for _, c := range collections {
		if c.Name == name || c.Path == name {
			return c, true
		}
	}
	return Collection{}, false
}

type (
	listFunc    func(ctx context.Context, userID string, reqEditors ...spacestudioapi.RequestEditorFn) (*http.Response, error)
	createFunc  func(ctx context.Context, userID string, contentType string, body io.Reader, reqEditors ...spacestudioapi.RequestEditorFn) (*http.Response, error)
	updateFunc  func(ctx context.Context, userID string, id string, contentType string, body io.Reader, reqEditors ...spacestudioapi.RequestEditorFn) (*http.Response, error)
	idFunc      func(ctx context.Context, userID string, id string, reqEditors ...spacestudioapi.RequestEditorFn) (*http.Response, error)
	endpointSet struct {
		list    listFunc
		create  createFunc
		update  updateFunc
		delete  idFunc
		compute idFunc
		status  idFunc
	}
)

// bind builds the managers of every collection.
func (c *Client) bind() {
	eps := endpoints(c.api)
	c.objects = make(map[string]*Objects, len(collections))
	c.missions = map[string]*Missions{}
	for _, col := range collections {
		o := &Objects{c: c, col: col, ep: eps[col.Path]}
		c.objects[col.Path] = o
		if col.Mission {
			c.missions[col.Path] = &Missions{Objects: o}
		}
	}
	c.bindFields()
	c.Files = &Files{c: c}
}

// Objects returns the manager of a collection by Name or Path; missions
// have one too (the object part of their Missions manager).
func (c *Client) Objects(name string) (*Objects, bool) {
	col, ok := LookupCollection(name)
	if !ok {
		return nil, false
	}
	return c.objects[col.Path], true
}

// Missions returns the manager of a mission collection by Name or Path.
func (c *Client) Missions(name string) (*Missions, bool) {
	col, ok := LookupCollection(name)
	if !ok || !col.Mission {
		return nil, false
	}
	return c.missions[col.Path], true
}

// Code below is a table, kept in the order of the Python package's urls.py.

var collections = []Collection{
	{Name: "antenna", Path: "antennadefinitions", Module: "simulation", Title: "Antenna", Mission: false, field: "Antennas"},
	{Name: "battery", Path: "batterydefinitions", Module: "simulation", Title: "Battery", Mission: false, field: "Batteries"},
	{Name: "zone-of-interest", Path: "zoneofinterestdefinitions", Module: "simulation", Title: "Zone of interest", Mission: false, field: "ZonesOfInterest"},
	{Name: "orbit", Path: "orbitdefinitions", Module: "simulation", Title: "Orbit", Mission: false, field: "Orbits"},
	{Name: "spacecraft", Path: "spacecraftdefinitions", Module: "simulation", Title: "Spacecraft", Mission: false, field: "Spacecraft"},
	{Name: "spacecraft-geometry", Path: "spacecraftgeometrydefinitions", Module: "simulation", Title: "Spacecraft geometry", Mission: false, field: "SpacecraftGeometries"},
	{Name: "propulsion-system", Path: "propulsionsystemdefinitions", Module: "simulation", Title: "Propulsion system", Mission: false, field: "PropulsionSystems"},
	{Name: "simulation-mission", Path: "simulationrequests", Module: "simulation", Title: "Simulation mission", Mission: true, field: "SimulationMissions"},
	{Name: "parametric-propulsion-system", Path: "parametricpropulsionsystemdefinitions", Module: "parametric_study", Title: "Propulsion system", Mission: false, field: "ParametricPropulsionSystems"},
	{Name: "parametric-orbit", Path: "parametricorbitdefinitions", Module: "parametric_study", Title: "Orbit", Mission: false, field: "ParametricOrbits"},
	{Name: "parametric-spacecraft", Path: "parametricspacecraftdefinitions", Module: "parametric_study", Title: "Spacecraft", Mission: false, field: "ParametricSpacecraft"},
	{Name: "reaction-wheels", Path: "reactionwheeldefinitions", Module: "parametric_study", Title: "Reaction wheels", Mission: false, field: "ReactionWheels"},
	{Name: "magnetic-torquer", Path: "parametricmagnetictorquerdefinitions", Module: "parametric_study", Title: "Magnetic torquer", Mission: false, field: "MagneticTorquers"},
	{Name: "parametric-mission", Path: "parametricstudyrequests", Module: "parametric_study", Title: "Parametric-study mission", Mission: true, field: "ParametricMissions"},
	{Name: "ground-station", Path: "groundstationdefinitions", Module: "constellation", Title: "Ground station", Mission: false, field: "GroundStations"},
	{Name: "payload", Path: "payloaddefinitions", Module: "constellation", Title: "Payload", Mission: false, field: "Payloads"},
	{Name: "earth-mesh", Path: "earthmeshdefinitions", Module: "constellation", Title: "Earth mesh", Mission: false, field: "EarthMeshes"},
	{Name: "sub-constellation", Path: "subconstellationdefinitions", Module: "constellation", Title: "Sub-constellation, one homogeneous geometry", Mission: false, field: "SubConstellations"},
	{Name: "constellation", Path: "constellationdefinitions", Module: "constellation", Title: "Constellation", Mission: false, field: "Constellations"},
	{Name: "point-of-interest", Path: "pointofinterestdefinitions", Module: "constellation", Title: "Point of interest", Mission: false, field: "PointsOfInterest"},
	{Name: "performance-analysis-mission", Path: "constellationperformanceanalysisrequests", Module: "constellation", Title: "Performance-analysis mission", Mission: true, field: "PerformanceAnalysisMissions"},
	{Name: "optimization-mission", Path: "constellationoptimizationrequests", Module: "constellation", Title: "Optimisation mission", Mission: true, field: "OptimizationMissions"},
	{Name: "generation-mission", Path: "constellationgenerationrequests", Module: "constellation", Title: "Generation mission", Mission: true, field: "GenerationMissions"},
	{Name: "constellation-simulation-mission", Path: "constellationsimulationrequests", Module: "constellation", Title: "Simulation mission", Mission: true, field: "ConstellationSimulationMissions"},
	{Name: "launch", Path: "launchdefinitions", Module: "deployment", Title: "Launch", Mission: false, field: "Launches"},
	{Name: "deployment-mission", Path: "deploymentrequests", Module: "deployment", Title: "Deployment mission", Mission: true, field: "DeploymentMissions"},
	{Name: "formation-flying-mission", Path: "formationflyingsimulationrequests", Module: "formation_flying", Title: "Formation-flying mission", Mission: true, field: "FormationFlyingMissions"},
	{Name: "inspection-mission", Path: "inspectionsimulationrequests", Module: "inspection", Title: "Inspection mission", Mission: true, field: "InspectionMissions"},
}

// endpoints binds each collection to its generated calls.
func endpoints(api *spacestudioapi.Client) map[string]endpointSet {
	return map[string]endpointSet{
		"antennadefinitions":                       {api.ListAntennaDefinitions, api.CreateAntennaDefinitionsWithBody, api.UpdateAntennaDefinitionsWithBody, api.DeleteAntennaDefinitions, nil, nil},
		"batterydefinitions":                       {api.ListBatteryDefinitions, api.CreateBatteryDefinitionsWithBody, api.UpdateBatteryDefinitionsWithBody, api.DeleteBatteryDefinitions, nil, nil},
		"zoneofinterestdefinitions":                {api.ListZoneOfInterestDefinitions, api.CreateZoneOfInterestDefinitionsWithBody, api.UpdateZoneOfInterestDefinitionsWithBody, api.DeleteZoneOfInterestDefinitions, nil, nil},
		"orbitdefinitions":                         {api.ListOrbitDefinitions, api.CreateOrbitDefinitionsWithBody, api.UpdateOrbitDefinitionsWithBody, api.DeleteOrbitDefinitions, nil, nil},
		"spacecraftdefinitions":                    {api.ListSpacecraftDefinitions, api.CreateSpacecraftDefinitionsWithBody, api.UpdateSpacecraftDefinitionsWithBody, api.DeleteSpacecraftDefinitions, nil, nil},
		"spacecraftgeometrydefinitions":            {api.ListSpacecraftGeometryDefinitions, api.CreateSpacecraftGeometryDefinitionsWithBody, api.UpdateSpacecraftGeometryDefinitionsWithBody, api.DeleteSpacecraftGeometryDefinitions, nil, nil},
		"propulsionsystemdefinitions":              {api.ListPropulsionSystemDefinitions, api.CreatePropulsionSystemDefinitionsWithBody, api.UpdatePropulsionSystemDefinitionsWithBody, api.DeletePropulsionSystemDefinitions, nil, nil},
		"simulationrequests":                       {api.ListSimulationRequests, api.CreateSimulationRequestsWithBody, api.UpdateSimulationRequestsWithBody, api.DeleteSimulationRequests, api.ComputeSimulationRequests, api.StatusSimulationRequests},
		"parametricpropulsionsystemdefinitions":    {api.ListParametricPropulsionSystemDefinitions, api.CreateParametricPropulsionSystemDefinitionsWithBody, api.UpdateParametricPropulsionSystemDefinitionsWithBody, api.DeleteParametricPropulsionSystemDefinitions, nil, nil},
		"parametricorbitdefinitions":               {api.ListParametricOrbitDefinitions, api.CreateParametricOrbitDefinitionsWithBody, api.UpdateParametricOrbitDefinitionsWithBody, api.DeleteParametricOrbitDefinitions, nil, nil},
		"parametricspacecraftdefinitions":          {api.ListParametricSpacecraftDefinitions, api.CreateParametricSpacecraftDefinitionsWithBody, api.UpdateParametricSpacecraftDefinitionsWithBody, api.DeleteParametricSpacecraftDefinitions, nil, nil},
		"reactionwheeldefinitions":                 {api.ListReactionWheelDefinitions, api.CreateReactionWheelDefinitionsWithBody, api.UpdateReactionWheelDefinitionsWithBody, api.DeleteReactionWheelDefinitions, nil, nil},
		"parametricmagnetictorquerdefinitions":     {api.ListParametricMagneticTorquerDefinitions, api.CreateParametricMagneticTorquerDefinitionsWithBody, api.UpdateParametricMagneticTorquerDefinitionsWithBody, api.DeleteParametricMagneticTorquerDefinitions, nil, nil},
		"parametricstudyrequests":                  {api.ListParametricStudyRequests, api.CreateParametricStudyRequestsWithBody, api.UpdateParametricStudyRequestsWithBody, api.DeleteParametricStudyRequests, api.ComputeParametricStudyRequests, api.StatusParametricStudyRequests},
		"groundstationdefinitions":                 {api.ListGroundStationDefinitions, api.CreateGroundStationDefinitionsWithBody, api.UpdateGroundStationDefinitionsWithBody, api.DeleteGroundStationDefinitions, nil, nil},
		"payloaddefinitions":                       {api.ListPayloadDefinitions, api.CreatePayloadDefinitionsWithBody, api.UpdatePayloadDefinitionsWithBody, api.DeletePayloadDefinitions, nil, nil},
		"earthmeshdefinitions":                     {api.ListEarthMeshDefinitions, api.CreateEarthMeshDefinitionsWithBody, api.UpdateEarthMeshDefinitionsWithBody, api.DeleteEarthMeshDefinitions, nil, nil},
		"subconstellationdefinitions":              {api.ListSubConstellationDefinitions, api.CreateSubConstellationDefinitionsWithBody, api.UpdateSubConstellationDefinitionsWithBody, api.DeleteSubConstellationDefinitions, nil, nil},
		"constellationdefinitions":                 {api.ListConstellationDefinitions, api.CreateConstellationDefinitionsWithBody, api.UpdateConstellationDefinitionsWithBody, api.DeleteConstellationDefinitions, nil, nil},
		"pointofinterestdefinitions":               {api.ListPointOfInterestDefinitions, api.CreatePointOfInterestDefinitionsWithBody, api.UpdatePointOfInterestDefinitionsWithBody, api.DeletePointOfInterestDefinitions, nil, nil},
		"constellationperformanceanalysisrequests": {api.ListConstellationPerformanceAnalysisRequests, api.CreateConstellationPerformanceAnalysisRequestsWithBody, api.UpdateConstellationPerformanceAnalysisRequestsWithBody, api.DeleteConstellationPerformanceAnalysisRequests, api.ComputeConstellationPerformanceAnalysisRequests, api.StatusConstellationPerformanceAnalysisRequests},
		"constellationoptimizationrequests":        {api.ListConstellationOptimizationRequests, api.CreateConstellationOptimizationRequestsWithBody, api.UpdateConstellationOptimizationRequestsWithBody, api.DeleteConstellationOptimizationRequests, api.ComputeConstellationOptimizationRequests, api.StatusConstellationOptimizationRequests},
		"constellationgenerationrequests":          {api.ListConstellationGenerationRequests, api.CreateConstellationGenerationRequestsWithBody, api.UpdateConstellationGenerationRequestsWithBody, api.DeleteConstellationGenerationRequests, api.ComputeConstellationGenerationRequests, api.StatusConstellationGenerationRequests},
		"constellationsimulationrequests":          {api.ListConstellationSimulationRequests, api.CreateConstellationSimulationRequestsWithBody, api.UpdateConstellationSimulationRequestsWithBody, api.DeleteConstellationSimulationRequests, api.ComputeConstellationSimulationRequests, api.StatusConstellationSimulationRequests},
		"launchdefinitions":                        {api.ListLaunchDefinitions, api.CreateLaunchDefinitionsWithBody, api.UpdateLaunchDefinitionsWithBody, api.DeleteLaunchDefinitions, nil, nil},
		"deploymentrequests":                       {api.ListDeploymentRequests, api.CreateDeploymentRequestsWithBody, api.UpdateDeploymentRequestsWithBody, api.DeleteDeploymentRequests, api.ComputeDeploymentRequests, api.StatusDeploymentRequests},
		"formationflyingsimulationrequests":        {api.ListFormationFlyingSimulationRequests, api.CreateFormationFlyingSimulationRequestsWithBody, api.UpdateFormationFlyingSimulationRequestsWithBody, api.DeleteFormationFlyingSimulationRequests, api.ComputeFormationFlyingSimulationRequests, api.StatusFormationFlyingSimulationRequests},
		"inspectionsimulationrequests":             {api.ListInspectionSimulationRequests, api.CreateInspectionSimulationRequestsWithBody, api.UpdateInspectionSimulationRequestsWithBody, api.DeleteInspectionSimulationRequests, api.ComputeInspectionSimulationRequests, api.StatusInspectionSimulationRequests},
	}
}

// bindFields sets the Client's manager fields.
func (c *Client) bindFields() {
	c.Antennas = c.objects["antennadefinitions"]
	c.Batteries = c.objects["batterydefinitions"]
	c.ZonesOfInterest = c.objects["zoneofinterestdefinitions"]
	c.Orbits = c.objects["orbitdefinitions"]
	c.Spacecraft = c.objects["spacecraftdefinitions"]
	c.SpacecraftGeometries = c.objects["spacecraftgeometrydefinitions"]
	c.PropulsionSystems = c.objects["propulsionsystemdefinitions"]
	c.SimulationMissions = &SimulationMissions{Missions: c.missions["simulationrequests"]}
	c.ParametricPropulsionSystems = c.objects["parametricpropulsionsystemdefinitions"]
	c.ParametricOrbits = c.objects["parametricorbitdefinitions"]
	c.ParametricSpacecraft = c.objects["parametricspacecraftdefinitions"]
	c.ReactionWheels = c.objects["reactionwheeldefinitions"]
	c.MagneticTorquers = c.objects["parametricmagnetictorquerdefinitions"]
	c.ParametricMissions = c.missions["parametricstudyrequests"]
	c.GroundStations = c.objects["groundstationdefinitions"]
	c.Payloads = c.objects["payloaddefinitions"]
	c.EarthMeshes = c.objects["earthmeshdefinitions"]
	c.SubConstellations = c.objects["subconstellationdefinitions"]
	c.Constellations = c.objects["constellationdefinitions"]
	c.PointsOfInterest = c.objects["pointofinterestdefinitions"]
	c.PerformanceAnalysisMissions = c.missions["constellationperformanceanalysisrequests"]
	c.OptimizationMissions = c.missions["constellationoptimizationrequests"]
	c.GenerationMissions = c.missions["constellationgenerationrequests"]
	c.ConstellationSimulationMissions = c.missions["constellationsimulationrequests"]
	c.Launches = c.objects["launchdefinitions"]
	c.DeploymentMissions = c.missions["deploymentrequests"]
	c.FormationFlyingMissions = c.missions["formationflyingsimulationrequests"]
	c.InspectionMissions = c.missions["inspectionsimulationrequests"]
}
