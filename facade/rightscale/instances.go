package rightscale

import "context"

// ListInstancesOptions narrow [Client.ListInstances].
type ListInstancesOptions struct {
	// Deployment is the exact name of a deployment whose instances only
	// are listed; empty lists the whole cloud.
	Deployment string
	// View is the instance view; empty means "tiny", as in
	// python-rightscale (default, extended, full, full_inputs_2_0, tiny,
	// sensitive).
	View string
	// State is the instance state to keep; empty means "operational", as
	// in python-rightscale. AllStates lists every state instead.
	State     string
	AllStates bool
	// Filters are more filters, ANDed with the ones above.
	Filters []Filter
}

// ListInstances is python-rightscale's list_instances: it finds the cloud
// named exactly cloudName (e.g. "EC2 us-east-1"), then lists its
// operational instances, only those of the deployment named
// opts.Deployment when given, in the "tiny" view unless opts says
// otherwise.
func (c *Client) ListInstances(ctx context.Context, cloudName string, opts ListInstancesOptions) ([]Instance, error) {
	cloud, err := c.Clouds.FindHref(ctx, cloudName)
	if err != nil {
		return nil, err
	}
	var filters []Filter
	switch {
	case opts.AllStates:
	case opts.State != "":
		filters = append(filters, Eq("state", opts.State))
	default:
		filters = append(filters, Eq("state", "operational"))
	}
	if opts.Deployment != "" {
		dep, err := c.Deployments.FindHref(ctx, opts.Deployment)
		if err != nil {
			return nil, err
		}
		filters = append(filters, Eq("deployment_href", dep))
	}
	filters = append(filters, opts.Filters...)
	view := opts.View
	if view == "" {
		view = "tiny"
	}
	return c.Instances(cloud).List(ctx, IndexOptions{Filters: filters, View: view})
}
