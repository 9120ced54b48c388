package rightscale

import (
	"github.com/switchboard-go/switchboard/facade/rightscale/rstime"
	"github.com/switchboard-go/switchboard/gen/rightscaleapi"
)

// Time is RightScale's timestamp ("2015/04/08 18:46:02 +0000"), a
// time.Time that reads and writes that format.
type Time = rstime.Time

// Resource types, as the API returns them. They are the generated models:
// every field the spec knows, optional ones as plain values (RightScale does
// not tell "absent" from "empty"), links as [Links].
type (
	Account                       = rightscaleapi.Account
	AccountGroup                  = rightscaleapi.AccountGroup
	Alert                         = rightscaleapi.Alert
	AlertSpec                     = rightscaleapi.AlertSpec
	AuditEntry                    = rightscaleapi.AuditEntry
	Backup                        = rightscaleapi.Backup
	Cloud                         = rightscaleapi.Cloud
	CloudAccount                  = rightscaleapi.CloudAccount
	Cookbook                      = rightscaleapi.Cookbook
	CookbookAttachment            = rightscaleapi.CookbookAttachment
	Credential                    = rightscaleapi.Credential
	Datacenter                    = rightscaleapi.Datacenter
	Deployment                    = rightscaleapi.Deployment
	IdentityProvider              = rightscaleapi.IdentityProvider
	Image                         = rightscaleapi.Image
	Input                         = rightscaleapi.Input
	Instance                      = rightscaleapi.Instance
	InstanceType                  = rightscaleapi.InstanceType
	IPAddress                     = rightscaleapi.IPAddress
	IPAddressBinding              = rightscaleapi.IPAddressBinding
	MonitoringMetric              = rightscaleapi.MonitoringMetric
	MultiCloudImage               = rightscaleapi.MultiCloudImage
	Permission                    = rightscaleapi.Permission
	PlacementGroup                = rightscaleapi.PlacementGroup
	Preference                    = rightscaleapi.Preference
	Publication                   = rightscaleapi.Publication
	PublicationLineage            = rightscaleapi.PublicationLineage
	RecurringVolumeAttachment     = rightscaleapi.RecurringVolumeAttachment
	Repository                    = rightscaleapi.Repository
	RepositoryAsset               = rightscaleapi.RepositoryAsset
	ResourceTag                   = rightscaleapi.ResourceTag
	RightScript                   = rightscaleapi.RightScript
	RunnableBinding               = rightscaleapi.RunnableBinding
	SecurityGroup                 = rightscaleapi.SecurityGroup
	Server                        = rightscaleapi.Server
	ServerArray                   = rightscaleapi.ServerArray
	ServerTemplate                = rightscaleapi.ServerTemplate
	ServerTemplateMultiCloudImage = rightscaleapi.ServerTemplateMultiCloudImage
	Session                       = rightscaleapi.Session
	SSHKey                        = rightscaleapi.SSHKey
	Subnet                        = rightscaleapi.Subnet
	TaskStatus                    = rightscaleapi.Task
	User                          = rightscaleapi.User
	Volume                        = rightscaleapi.Volume
	VolumeAttachment              = rightscaleapi.VolumeAttachment
	VolumeSnapshot                = rightscaleapi.VolumeSnapshot
	VolumeType                    = rightscaleapi.VolumeType

	// Link is one entry of a resource's links; Links is the list.
	Link = rightscaleapi.Link
	// Links is a resource's links: "self" and related resources.
	Links = rightscaleapi.Links
	// Action names one action the resource currently allows; Actions is
	// the list ("launch" appears only on a stopped server, ...).
	Action = rightscaleapi.Action
	// Actions is a resource's allowed actions.
	Actions = rightscaleapi.Actions
)

// ParseTime reads a RightScale timestamp ("2015/04/08 18:46:02 +0000"),
// as filters and audit entry date ranges take it.
func ParseTime(s string) (Time, error) { return rstime.Parse(s) }

// Request bodies of create and update, with RightScale's nesting
// ({"deployment": {"name": ...}}).
type (
	AlertSpecCreate                     = rightscaleapi.AlertSpecCreate
	AlertSpecUpdate                     = rightscaleapi.AlertSpecUpdate
	AuditEntryCreate                    = rightscaleapi.AuditEntryCreate
	AuditEntryUpdate                    = rightscaleapi.AuditEntryUpdate
	BackupCreate                        = rightscaleapi.BackupCreate
	BackupUpdate                        = rightscaleapi.BackupUpdate
	ChildAccountCreate                  = rightscaleapi.ChildAccountCreate
	ChildAccountUpdate                  = rightscaleapi.ChildAccountUpdate
	CloudAccountCreate                  = rightscaleapi.CloudAccountCreate
	CookbookAttachmentCreate            = rightscaleapi.CookbookAttachmentCreate
	CredentialCreate                    = rightscaleapi.CredentialCreate
	CredentialUpdate                    = rightscaleapi.CredentialUpdate
	DeploymentCreate                    = rightscaleapi.DeploymentCreate
	DeploymentUpdate                    = rightscaleapi.DeploymentUpdate
	InstanceCreate                      = rightscaleapi.InstanceCreate
	InstanceUpdate                      = rightscaleapi.InstanceUpdate
	IPAddressBindingCreate              = rightscaleapi.IPAddressBindingCreate
	IPAddressCreate                     = rightscaleapi.IPAddressCreate
	IPAddressUpdate                     = rightscaleapi.IPAddressUpdate
	MultiCloudImageCreate               = rightscaleapi.MultiCloudImageCreate
	MultiCloudImageUpdate               = rightscaleapi.MultiCloudImageUpdate
	PermissionCreate                    = rightscaleapi.PermissionCreate
	PlacementGroupCreate                = rightscaleapi.PlacementGroupCreate
	PreferenceUpdate                    = rightscaleapi.PreferenceUpdate
	RecurringVolumeAttachmentCreate     = rightscaleapi.RecurringVolumeAttachmentCreate
	RepositoryCreate                    = rightscaleapi.RepositoryCreate
	RepositoryUpdate                    = rightscaleapi.RepositoryUpdate
	RightScriptCreate                   = rightscaleapi.RightScriptCreate
	RightScriptUpdate                   = rightscaleapi.RightScriptUpdate
	RunnableBindingCreate               = rightscaleapi.RunnableBindingCreate
	SecurityGroupCreate                 = rightscaleapi.SecurityGroupCreate
	ServerArrayCreate                   = rightscaleapi.ServerArrayCreate
	ServerArrayUpdate                   = rightscaleapi.ServerArrayUpdate
	ServerCreate                        = rightscaleapi.ServerCreate
	ServerTemplateCreate                = rightscaleapi.ServerTemplateCreate
	ServerTemplateMultiCloudImageCreate = rightscaleapi.ServerTemplateMultiCloudImageCreate
	ServerTemplateUpdate                = rightscaleapi.ServerTemplateUpdate
	ServerUpdate                        = rightscaleapi.ServerUpdate
	SSHKeyCreate                        = rightscaleapi.SSHKeyCreate
	SubnetCreate                        = rightscaleapi.SubnetCreate
	SubnetUpdate                        = rightscaleapi.SubnetUpdate
	UserCreate                          = rightscaleapi.UserCreate
	UserUpdate                          = rightscaleapi.UserUpdate
	VolumeAttachmentCreate              = rightscaleapi.VolumeAttachmentCreate
	VolumeCreate                        = rightscaleapi.VolumeCreate
	VolumeSnapshotCreate                = rightscaleapi.VolumeSnapshotCreate
	VolumeUpdate                        = rightscaleapi.VolumeUpdate
)

// The inner objects of the create and update bodies.
type (
	AlertSpecCreateParams                     = rightscaleapi.AlertSpecCreateParams
	AlertSpecUpdateParams                     = rightscaleapi.AlertSpecUpdateParams
	AuditEntryCreateParams                    = rightscaleapi.AuditEntryCreateParams
	AuditEntryUpdateParams                    = rightscaleapi.AuditEntryUpdateParams
	BackupCreateParams                        = rightscaleapi.BackupCreateParams
	BackupUpdateParams                        = rightscaleapi.BackupUpdateParams
	ChildAccountCreateParams                  = rightscaleapi.ChildAccountCreateParams
	ChildAccountUpdateParams                  = rightscaleapi.ChildAccountUpdateParams
	CloudAccountCreateParams                  = rightscaleapi.CloudAccountCreateParams
	CookbookAttachmentCreateParams            = rightscaleapi.CookbookAttachmentCreateParams
	CredentialCreateParams                    = rightscaleapi.CredentialCreateParams
	CredentialUpdateParams                    = rightscaleapi.CredentialUpdateParams
	DeploymentCreateParams                    = rightscaleapi.DeploymentCreateParams
	DeploymentUpdateParams                    = rightscaleapi.DeploymentUpdateParams
	InstanceCreateParams                      = rightscaleapi.InstanceCreateParams
	InstanceUpdateParams                      = rightscaleapi.InstanceUpdateParams
	IPAddressBindingCreateParams              = rightscaleapi.IPAddressBindingCreateParams
	IPAddressCreateParams                     = rightscaleapi.IPAddressCreateParams
	IPAddressUpdateParams                     = rightscaleapi.IPAddressUpdateParams
	MultiCloudImageCreateParams               = rightscaleapi.MultiCloudImageCreateParams
	MultiCloudImageUpdateParams               = rightscaleapi.MultiCloudImageUpdateParams
	PermissionCreateParams                    = rightscaleapi.PermissionCreateParams
	PlacementGroupCreateParams                = rightscaleapi.PlacementGroupCreateParams
	PreferenceUpdateParams                    = rightscaleapi.PreferenceUpdateParams
	RecurringVolumeAttachmentCreateParams     = rightscaleapi.RecurringVolumeAttachmentCreateParams
	RepositoryCreateParams                    = rightscaleapi.RepositoryCreateParams
	RepositoryUpdateParams                    = rightscaleapi.RepositoryUpdateParams
	RightScriptCreateParams                   = rightscaleapi.RightScriptCreateParams
	RightScriptUpdateParams                   = rightscaleapi.RightScriptUpdateParams
	RunnableBindingCreateParams               = rightscaleapi.RunnableBindingCreateParams
	SecurityGroupCreateParams                 = rightscaleapi.SecurityGroupCreateParams
	ServerArrayCreateParams                   = rightscaleapi.ServerArrayCreateParams
	ServerArrayUpdateParams                   = rightscaleapi.ServerArrayUpdateParams
	ServerCreateParams                        = rightscaleapi.ServerCreateParams
	ServerTemplateCreateParams                = rightscaleapi.ServerTemplateCreateParams
	ServerTemplateMultiCloudImageCreateParams = rightscaleapi.ServerTemplateMultiCloudImageCreateParams
	ServerTemplateUpdateParams                = rightscaleapi.ServerTemplateUpdateParams
	ServerUpdateParams                        = rightscaleapi.ServerUpdateParams
	SSHKeyCreateParams                        = rightscaleapi.SSHKeyCreateParams
	SubnetCreateParams                        = rightscaleapi.SubnetCreateParams
	SubnetUpdateParams                        = rightscaleapi.SubnetUpdateParams
	UserCreateParams                          = rightscaleapi.UserCreateParams
	UserUpdateParams                          = rightscaleapi.UserUpdateParams
	VolumeAttachmentCreateParams              = rightscaleapi.VolumeAttachmentCreateParams
	VolumeCreateParams                        = rightscaleapi.VolumeCreateParams
	VolumeSnapshotCreateParams                = rightscaleapi.VolumeSnapshotCreateParams
	VolumeUpdateParams                        = rightscaleapi.VolumeUpdateParams
)

// None stands for the body of an action a collection does not have
// (Clouds cannot be created): its Create and Update always fail with
// [ErrUnsupported] and are never sent.
type None struct{}

// Href returns the "self" link of a resource's links, its identifier.
func Href(links Links) string {
	h, _ := LinkOf(links, "self")
	return h
}

// LinkOf returns the href of the link named rel ("deployment",
// "current_instance", "instances"...).
func LinkOf(links Links, rel string) (string, bool) {
	for _, l := range links {
		if l.Rel == rel {
			return l.Href, true
		}
	}
	return "", false
}
