package main

import (
	"github.com/calisim/calisim/sim/topology"
	"github.com/spf13/cobra"
)

func newSchemaCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of the scenario format",
		Long: `Schema prints the JSON Schema of the Scenario document, generated from the Go
types calisim decodes it into. Point your editor's YAML language server at it
for completion and checking:

  # yaml-language-server: $schema=./calisim.schema.json`,
		Example: `  calisim schema > calisim.schema.json`,
		Args:    cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			b, err := topology.Schema()
			if err != nil {
				return err
			}
			_, err = c.OutOrStdout().Write(append(b, '\n'))
			return err
		},
	}
}
