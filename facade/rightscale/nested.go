package rightscale

import (
	"strings"
)

// cloudHref accepts a cloud's href ("/api/clouds/1") or its id ("1").
func cloudHref(cloud string) string {
	if strings.HasPrefix(cloud, "/") {
		return strings.TrimSuffix(cloud, "/")
	}
	return "/api/clouds/" + cloud
}

// under builds the href of a collection below a parent href.
func under(parent, name string) string { return strings.TrimSuffix(parent, "/") + "/" + name }

// Instances returns the instances of a cloud (href or id).
func (c *Client) Instances(cloud string) Collection[Instance, InstanceCreate, InstanceUpdate] {
	return collection[Instance, InstanceCreate, InstanceUpdate](c, under(cloudHref(cloud), "instances"), "instance")
}

// Datacenters returns the datacenters of a cloud.
func (c *Client) Datacenters(cloud string) Collection[Datacenter, None, None] {
	return collection[Datacenter, None, None](c, under(cloudHref(cloud), "datacenters"), "datacenter")
}

// Images returns the images of a cloud.
func (c *Client) Images(cloud string) Collection[Image, None, None] {
	return collection[Image, None, None](c, under(cloudHref(cloud), "images"), "image")
}

// InstanceTypes returns the instance types of a cloud.
func (c *Client) InstanceTypes(cloud string) Collection[InstanceType, None, None] {
	return collection[InstanceType, None, None](c, under(cloudHref(cloud), "instance_types"), "instance type")
}

// IPAddresses returns the IP addresses of a cloud.
func (c *Client) IPAddresses(cloud string) Collection[IPAddress, IPAddressCreate, IPAddressUpdate] {
	return collection[IPAddress, IPAddressCreate, IPAddressUpdate](c, under(cloudHref(cloud), "ip_addresses"), "ip address")
}

// IPAddressBindings returns the IP address bindings of a cloud.
func (c *Client) IPAddressBindings(cloud string) Collection[IPAddressBinding, IPAddressBindingCreate, None] {
	return collection[IPAddressBinding, IPAddressBindingCreate, None](c, under(cloudHref(cloud), "ip_address_bindings"), "ip address binding")
}

// RecurringVolumeAttachments returns the recurring volume attachments of a cloud.
func (c *Client) RecurringVolumeAttachments(cloud string) Collection[RecurringVolumeAttachment, RecurringVolumeAttachmentCreate, None] {
	return collection[RecurringVolumeAttachment, RecurringVolumeAttachmentCreate, None](c, under(cloudHref(cloud), "recurring_volume_attachments"), "recurring volume attachment")
}

// SecurityGroups returns the security groups of a cloud.
func (c *Client) SecurityGroups(cloud string) Collection[SecurityGroup, SecurityGroupCreate, None] {
	return collection[SecurityGroup, SecurityGroupCreate, None](c, under(cloudHref(cloud), "security_groups"), "security group")
}

// SSHKeys returns the SSH keys of a cloud.
func (c *Client) SSHKeys(cloud string) Collection[SSHKey, SSHKeyCreate, None] {
	return collection[SSHKey, SSHKeyCreate, None](c, under(cloudHref(cloud), "ssh_keys"), "ssh key")
}

// Subnets returns the subnets of a cloud.
func (c *Client) Subnets(cloud string) Collection[Subnet, SubnetCreate, SubnetUpdate] {
	return collection[Subnet, SubnetCreate, SubnetUpdate](c, under(cloudHref(cloud), "subnets"), "subnet")
}

// VolumeAttachments returns the volume attachments of a cloud.
func (c *Client) VolumeAttachments(cloud string) Collection[VolumeAttachment, VolumeAttachmentCreate, None] {
	return collection[VolumeAttachment, VolumeAttachmentCreate, None](c, under(cloudHref(cloud), "volume_attachments"), "volume attachment")
}

// VolumeSnapshots returns the volume snapshots of a cloud.
func (c *Client) VolumeSnapshots(cloud string) Collection[VolumeSnapshot, VolumeSnapshotCreate, None] {
	return collection[VolumeSnapshot, VolumeSnapshotCreate, None](c, under(cloudHref(cloud), "volume_snapshots"), "volume snapshot")
}

// VolumeTypes returns the volume types of a cloud.
func (c *Client) VolumeTypes(cloud string) Collection[VolumeType, None, None] {
	return collection[VolumeType, None, None](c, under(cloudHref(cloud), "volume_types"), "volume type")
}

// Volumes returns the volumes of a cloud.
func (c *Client) Volumes(cloud string) Collection[Volume, VolumeCreate, VolumeUpdate] {
	return collection[Volume, VolumeCreate, VolumeUpdate](c, under(cloudHref(cloud), "volumes"), "volume")
}

// Inputs returns the inputs of an instance, a deployment or a server
// template (given by href). Inputs cannot be shown one by one; read them
// with Index (view "inputs_2_0" for the 2.0 notation) and change them with
// [Client.UpdateInputs].
func (c *Client) Inputs(parentHref string) Collection[Input, None, None] {
	return collection[Input, None, None](c, under(parentHref, "inputs"), "input")
}

// AlertsOf returns the alerts of an instance, a server, a server array or
// a deployment (given by href).
func (c *Client) AlertsOf(parentHref string) Collection[Alert, None, None] {
	return collection[Alert, None, None](c, under(parentHref, "alerts"), "alert")
}

// MonitoringMetrics returns the monitoring metrics of an instance.
func (c *Client) MonitoringMetrics(instanceHref string) Collection[MonitoringMetric, None, None] {
	return collection[MonitoringMetric, None, None](c, under(instanceHref, "monitoring_metrics"), "monitoring metric")
}

// RepositoryAssets returns the assets of a repository.
func (c *Client) RepositoryAssets(repositoryHref string) Collection[RepositoryAsset, None, None] {
	return collection[RepositoryAsset, None, None](c, under(repositoryHref, "repository_assets"), "repository asset")
}

// RunnableBindings returns the runnable bindings of a server template.
func (c *Client) RunnableBindings(serverTemplateHref string) Collection[RunnableBinding, RunnableBindingCreate, None] {
	return collection[RunnableBinding, RunnableBindingCreate, None](c, under(serverTemplateHref, "runnable_bindings"), "runnable binding")
}

// DeploymentServers returns the servers of a deployment (GET
// /api/deployments/{id}/servers).
func (c *Client) DeploymentServers(deploymentHref string) Collection[Server, ServerCreate, None] {
	return collection[Server, ServerCreate, None](c, under(deploymentHref, "servers"), "server")
}

// DeploymentServerArrays returns the server arrays of a deployment.
func (c *Client) DeploymentServerArrays(deploymentHref string) Collection[ServerArray, ServerArrayCreate, None] {
	return collection[ServerArray, ServerArrayCreate, None](c, under(deploymentHref, "server_arrays"), "server array")
}

// CurrentInstances returns the running instances of a server array (GET
// /api/server_arrays/{id}/current_instances), filtered and viewed like a
// cloud's instances.
func (c *Client) CurrentInstances(serverArrayHref string) Collection[Instance, None, None] {
	return collection[Instance, None, None](c, under(serverArrayHref, "current_instances"), "instance")
}
