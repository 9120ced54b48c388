package rightscaletest

// routes is the table of the actions the emulator models by hand; every
// other operation of the API description is served by the generic store
// (see generic.go). Paths use the description's parameter names.
func (s *Server) routes() []*route {
	h := func(f func(*reqCtx) (*reply, *apiError)) func(*reqCtx) (*reply, *apiError) { return f }
	m := func(f func(c *reqCtx) (*reply, *apiError)) func(*reqCtx) (*reply, *apiError) { return f }
	rt := func(method, path string, f func(*reqCtx) (*reply, *apiError)) *route {
		return &route{method: method, path: path, handle: f}
	}
	public := func(r *route) *route { r.public = true; return r }
	const inst = "/clouds/{cloud_id}/instances/{id}"
	return []*route{
		public(rt("POST", "/oauth2", h((*reqCtx).oauth2))),
		public(rt("POST", "/sessions", h((*reqCtx).createSession))),
		public(rt("GET", "/health-check", h((*reqCtx).healthCheck))),
		rt("GET", "/sessions", h((*reqCtx).showSession)),
		// /api/session is an alias of /api/sessions (both routes are in
		// the official metadata).
		public(rt("POST", "/session", h((*reqCtx).createSession))),
		rt("GET", "/session", h((*reqCtx).showSession)),
		rt("GET", "/sessions/accounts", h((*reqCtx).sessionAccounts)),
		rt("GET", "/accounts/{id}", h((*reqCtx).showAccount)),

		rt("GET", "/clouds", h((*reqCtx).listClouds)),
		rt("GET", "/clouds/{id}", h((*reqCtx).showCloud)),
		rt("GET", "/clouds/{cloud_id}/datacenters", h((*reqCtx).listDatacenters)),
		rt("GET", "/clouds/{cloud_id}/datacenters/{id}", h((*reqCtx).showDatacenter)),
		rt("GET", "/clouds/{cloud_id}/instance_types", h((*reqCtx).listInstanceTypes)),
		rt("GET", "/clouds/{cloud_id}/instance_types/{id}", h((*reqCtx).showInstanceType)),

		rt("GET", "/clouds/{cloud_id}/instances", h((*reqCtx).listInstances)),
		rt("POST", "/clouds/{cloud_id}/instances/multi_run_executable", h((*reqCtx).multiRunInstances)),
		rt("POST", "/clouds/{cloud_id}/instances/multi_terminate", h((*reqCtx).multiTerminateInstances)),
		rt("GET", inst, h((*reqCtx).showInstance)),
		rt("PUT", inst, h((*reqCtx).updateInstance)),
		rt("POST", inst+"/launch", h((*reqCtx).launchInstance)),
		rt("POST", inst+"/lock", m(lockInstance(true))),
		rt("POST", inst+"/unlock", m(lockInstance(false))),
		rt("POST", inst+"/reboot", h((*reqCtx).rebootInstance)),
		rt("POST", inst+"/start", h((*reqCtx).startInstance)),
		rt("POST", inst+"/stop", h((*reqCtx).stopInstance)),
		rt("POST", inst+"/terminate", h((*reqCtx).terminateInstance)),
		rt("POST", inst+"/run_executable", h((*reqCtx).runExecutable)),
		rt("GET", "/clouds/{cloud_id}/instances/{instance_id}/inputs", m(listInputs("instance"))),
		rt("PUT", "/clouds/{cloud_id}/instances/{instance_id}/inputs/multi_update", m(multiUpdateInputs("instance"))),
		rt("GET", "/clouds/{cloud_id}/instances/{instance_id}/live/tasks/{id}", h((*reqCtx).showInstanceTask)),

		rt("GET", "/servers", h((*reqCtx).listServers)),
		rt("POST", "/servers", h((*reqCtx).createServer)),
		rt("GET", "/servers/{id}", h((*reqCtx).showServer)),
		rt("PUT", "/servers/{id}", h((*reqCtx).updateServer)),
		rt("DELETE", "/servers/{id}", h((*reqCtx).destroyServer)),
		rt("POST", "/servers/{id}/clone", h((*reqCtx).cloneServer)),
		rt("POST", "/servers/{id}/launch", h((*reqCtx).launchServer)),
		rt("POST", "/servers/{id}/terminate", h((*reqCtx).terminateServer)),
		rt("POST", "/servers/{id}/reboot", h((*reqCtx).rebootServer)),

		rt("GET", "/server_arrays", h((*reqCtx).listArrays)),
		rt("POST", "/server_arrays", h((*reqCtx).createArray)),
		rt("GET", "/server_arrays/{id}", h((*reqCtx).showArray)),
		rt("PUT", "/server_arrays/{id}", h((*reqCtx).updateArray)),
		rt("DELETE", "/server_arrays/{id}", h((*reqCtx).destroyArray)),
		rt("POST", "/server_arrays/{id}/clone", h((*reqCtx).cloneArray)),
		rt("GET", "/server_arrays/{id}/current_instances", h((*reqCtx).currentInstances)),
		rt("POST", "/server_arrays/{id}/launch", h((*reqCtx).launchArray)),
		rt("POST", "/server_arrays/{id}/multi_run_executable", h((*reqCtx).multiRunArray)),
		rt("POST", "/server_arrays/{id}/multi_terminate", h((*reqCtx).multiTerminateArray)),
		rt("GET", "/server_arrays/{server_array_id}/live/tasks/{id}", h((*reqCtx).showArrayTask)),

		rt("GET", "/deployments", h((*reqCtx).listDeployments)),
		rt("POST", "/deployments", h((*reqCtx).createDeployment)),
		rt("GET", "/deployments/{id}", h((*reqCtx).showDeployment)),
		rt("PUT", "/deployments/{id}", h((*reqCtx).updateDeployment)),
		rt("DELETE", "/deployments/{id}", h((*reqCtx).destroyDeployment)),
		rt("POST", "/deployments/{id}/clone", h((*reqCtx).cloneDeployment)),
		rt("POST", "/deployments/{id}/lock", m(lockDeployment(true))),
		rt("POST", "/deployments/{id}/unlock", m(lockDeployment(false))),
		rt("GET", "/deployments/{deployment_id}/servers", h((*reqCtx).listDeploymentServers)),
		rt("POST", "/deployments/{deployment_id}/servers", h((*reqCtx).createDeploymentServer)),
		rt("GET", "/deployments/{deployment_id}/servers/{id}", h((*reqCtx).showServer)),
		rt("GET", "/deployments/{deployment_id}/server_arrays", h((*reqCtx).listDeploymentArrays)),
		rt("POST", "/deployments/{deployment_id}/server_arrays", h((*reqCtx).createDeploymentArray)),
		rt("GET", "/deployments/{deployment_id}/server_arrays/{id}", h((*reqCtx).showArray)),
		rt("GET", "/deployments/{deployment_id}/inputs", m(listInputs("deployment"))),
		rt("PUT", "/deployments/{deployment_id}/inputs/multi_update", m(multiUpdateInputs("deployment"))),

		rt("GET", "/server_templates", h((*reqCtx).listTemplates)),
		rt("POST", "/server_templates", h((*reqCtx).createTemplate)),
		rt("GET", "/server_templates/{id}", h((*reqCtx).showTemplate)),
		rt("PUT", "/server_templates/{id}", h((*reqCtx).updateTemplate)),
		rt("DELETE", "/server_templates/{id}", h((*reqCtx).destroyTemplate)),
		rt("POST", "/server_templates/{id}/clone", h((*reqCtx).cloneTemplate)),
		rt("POST", "/server_templates/{id}/commit", h((*reqCtx).commitTemplate)),
		rt("GET", "/server_templates/{server_template_id}/inputs", m(listInputs("server_template"))),
		rt("PUT", "/server_templates/{server_template_id}/inputs/multi_update", m(multiUpdateInputs("server_template"))),

		rt("GET", "/right_scripts", h((*reqCtx).listScripts)),
		rt("POST", "/right_scripts", h((*reqCtx).createScript)),
		rt("GET", "/right_scripts/{id}", h((*reqCtx).showScript)),
		rt("PUT", "/right_scripts/{id}", h((*reqCtx).updateScript)),
		rt("DELETE", "/right_scripts/{id}", h((*reqCtx).destroyScript)),
		rt("POST", "/right_scripts/{id}/commit", h((*reqCtx).commitScript)),
		rt("GET", "/right_scripts/{id}/source", h((*reqCtx).showScriptSource)),
		rt("PUT", "/right_scripts/{id}/source", h((*reqCtx).updateScriptSource)),

		rt("POST", "/tags/by_resource", h((*reqCtx).byResource)),
		rt("POST", "/tags/by_tag", h((*reqCtx).byTag)),
		rt("POST", "/tags/multi_add", h((*reqCtx).multiAddTags)),
		rt("POST", "/tags/multi_delete", h((*reqCtx).multiDeleteTags)),
	}
}
