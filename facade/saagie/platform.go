package saagie

import (
	"context"

	gql "github.com/switchboard-go/switchboard/gen/saagiegql/projectsgql"
)

// PlatformInfo returns the platform's id, name and object counts
// (saagieapi's get_platform_info).
func (c *Client) PlatformInfo(ctx context.Context) (*Platform, error) {
	r, err := gql.GetPlatformInfo(ctx, c.projects)
	if r == nil || r.Platform == nil {
		return nil, orNotFound(err, "platform", "")
	}
	p := r.Platform
	return &Platform{ID: p.Id, Name: str(p.Name), Projects: p.Counts.Projects, Jobs: p.Counts.Jobs, Apps: p.Counts.Apps, Pipelines: p.Counts.Pipelines}, err
}

// ClusterCapacity returns the capacity of each cluster node.
func (c *Client) ClusterCapacity(ctx context.Context) ([]NodeCapacity, error) {
	r, err := gql.GetClusterCapacity(ctx, c.projects)
	var out []NodeCapacity
	if r != nil {
		for _, n := range r.GetClusterCapacity {
			if n != nil {
				out = append(out, NodeCapacity{CPU: n.Cpu, GPU: n.Gpu, Memory: n.Memory})
			}
		}
	}
	return out, err
}

// CheckConditionExpression evaluates a pipeline condition expression
// server-side with the given variables.
func (c *Client) CheckConditionExpression(ctx context.Context, projectID, expression string, variables map[string]string) (bool, error) {
	vars := []gql.ConditionExpressionVariableInput{}
	for _, k := range sortedKeys(variables) {
		vars = append(vars, gql.ConditionExpressionVariableInput{Key: k, Value: variables[k]})
	}
	if len(vars) == 0 {
		// saagieapi sends one empty pair when there are none.
		vars = append(vars, gql.ConditionExpressionVariableInput{})
	}
	r, err := gql.EvaluateConditionExpression(ctx, c.projects, projectID, expression, vars)
	if r == nil || r.EvaluateConditionExpression == nil {
		return false, err
	}
	return *r.EvaluateConditionExpression, err
}
