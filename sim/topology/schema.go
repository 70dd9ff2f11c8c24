package topology

import (
	"encoding/json"

	"github.com/invopop/jsonschema"
)

// Schema returns the JSON Schema of the Scenario document (the first
// document of a scenario file), generated from the file types, for
// `calisim schema`. Later documents are Calico and Kubernetes resources,
// whose schemas are their APIs'.
func Schema() ([]byte, error) {
	r := &jsonschema.Reflector{
		FieldNameTag:               "yaml",
		RequiredFromJSONSchemaTags: true,
	}
	s := r.Reflect(&ScenarioFile{})
	s.ID = "https://calisim.dev/schema/scenario-v1alpha1.json"
	s.Title = "calisim Scenario (" + ScenarioAPIVersion + ")"
	s.Description = "The first document of a calisim scenario file: the underlay, the nodes, the Calico install, workloads, flows, failures and expectations. Later documents are Calico (projectcalico.org/v3) and Kubernetes resources."
	return json.MarshalIndent(s, "", "  ")
}

// JSONSchema: a Scalar is a string.
func (Scalar) JSONSchema() *jsonschema.Schema { return &jsonschema.Schema{Type: "string"} }

// JSONSchema: a not-modelled field takes any value.
func (NotModelled) JSONSchema() *jsonschema.Schema {
	return &jsonschema.Schema{Description: "accepted, not modelled"}
}

// JSONSchema: a Raw field is a number or a string.
func (Raw) JSONSchema() *jsonschema.Schema {
	return &jsonschema.Schema{OneOf: []*jsonschema.Schema{{Type: "integer"}, {Type: "string"}}}
}
