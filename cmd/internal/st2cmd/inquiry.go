package st2cmd

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/switchboard-go/switchboard/cmd/internal/app"
	"github.com/switchboard-go/switchboard/cmd/internal/output"
	"github.com/switchboard-go/switchboard/facade/st2"
)

// inquiries is st2's Inquiry resource.
var inquiries = resource{
	display:  "Inquiry",
	plural:   "inquiries",
	columns:  []string{"id", "roles", "users", "route", "ttl"},
	getOrder: getOrder,
	getAttrs: []string{"id", "roles", "users", "route", "ttl", "schema"},
}

// InquiryCmd is `st2 inquiry`: list, get and respond.
func (e *Env) InquiryCmd() *cobra.Command {
	cmd := group("inquiry", "Browse and answer inquiries", "inquiries")
	cmd.AddCommand(
		e.inquiryListCmd(),
		e.getCmd(inquiries, "id", `  switchboard --sandbox st2 inquiry get 66322ec00000000000000042`,
			func(ctx context.Context, c *st2.Client, id string) error {
				_, err := c.Inquiries.Get(ctx, id)
				return err
			}),
		e.inquiryRespondCmd(),
	)
	return cmd
}

func (e *Env) inquiryListCmd() *cobra.Command {
	var last int
	cmd := &cobra.Command{
		Use:     "list",
		Short:   "List the most recent inquiries (50 by default)",
		Example: `  switchboard --sandbox st2 inquiry list`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkLast(last); err != nil {
				return err
			}
			p := e.printer()
			c, err := e.connect(cmd)
			if err != nil {
				return err
			}
			// st2 sends no include_attributes here.
			return e.printList(inquiries, p, listOpts{last: last, reverse: true}, func() (int, error) {
				page, err := c.Inquiries.Page(cmd.Context(), st2.InquiryListOptions{}, last, 0)
				return page.Total, err
			})
		},
	}
	cmd.Flags().IntVarP(&last, "last", "n", 50, "list N most recent inquiries; -1 lists them all")
	return cmd
}

func (e *Env) inquiryRespondCmd() *cobra.Command {
	var response string
	cmd := &cobra.Command{
		Use:   "respond <id>",
		Short: "Respond to an inquiry",
		Long: `Respond to an inquiry: -r gives the whole response as a JSON object;
without it, each property of the inquiry's schema is asked for on stdin
(an empty answer takes the property's default). Values are read by the
property's type: boolean (true/false, yes/no, y/n), integer, number,
array (JSON or comma-separated), object (JSON), otherwise text.`,
		Example: `  switchboard --sandbox st2 inquiry respond 66322ec00000000000000042 -r '{"approved": true}'`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id := args[0]
			var answer map[string]any
			if response != "" {
				if err := json.Unmarshal([]byte(response), &answer); err != nil || answer == nil {
					return app.Usagef("-r/--response: want a JSON object: %v", errOr(err, "null"))
				}
			}
			c, err := e.connect(cmd)
			if err != nil {
				return err
			}
			raw, err := e.rawObject(http.MethodGet, "", func() error {
				_, err := c.Inquiries.Get(cmd.Context(), id)
				return err
			})
			if isNotFound(err) {
				return &missingError{msg: fmt.Sprintf("Resource with id %q doesn't exist.", id)}
			}
			if err != nil {
				return err
			}
			if answer == nil {
				schema, _ := lookup(raw, "schema.properties").(*output.Map)
				if answer, err = e.askInquiry(schema); err != nil {
					return err
				}
			}
			if err := c.Inquiries.Respond(cmd.Context(), id, answer); err != nil {
				return err
			}
			_, err = fmt.Fprintf(e.a.Out, "\nResponse accepted for inquiry %s.\n", id)
			return err
		},
	}
	cmd.Flags().StringVarP(&response, "response", "r", "", "the entire response as a JSON object (no questions asked)")
	return cmd
}

func errOr(err error, s string) string {
	if err != nil {
		return err.Error()
	}
	return s
}

// askInquiry is st2's InteractiveForm over the schema's properties, in
// their order: one line per property, "name: " or "name [default]: ".
func (e *Env) askInquiry(props *output.Map) (map[string]any, error) {
	answer := map[string]any{}
	if props == nil {
		return answer, nil
	}
	in := bufio.NewReader(e.a.In)
	for _, name := range props.Keys() {
		v, _ := props.Get(name)
		spec, _ := v.(*output.Map)
		if spec == nil {
			spec = output.NewMap()
		}
		def, hasDefault := spec.Get("default")
		typ, _ := spec.Get("type")
		for {
			prompt := name + ": "
			if hasDefault {
				prompt = fmt.Sprintf("%s [%s]: ", name, output.PyStr(def))
			}
			if e.a.ErrIsTerminal {
				fmt.Fprint(e.a.Err, prompt)
			}
			line, err := in.ReadString('\n')
			line = strings.TrimRight(line, "\r\n")
			if err != nil && line == "" {
				if err == io.EOF {
					return nil, app.Usagef("no answer for %q on stdin: give the response with -r", name)
				}
				return nil, err
			}
			if line == "" {
				answer[name] = plainValue(def)
				break
			}
			val, perr := readTyped(fmt.Sprint(typ), line)
			if perr == nil {
				answer[name] = val
				break
			}
			if !e.a.ErrIsTerminal {
				return nil, app.Usagef("%s: %v", name, perr)
			}
			fmt.Fprintln(e.a.Err, perr)
		}
	}
	return answer, nil
}

// plainValue turns a value of the recorded answer back into plain JSON
// data for a request.
func plainValue(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var out any
	if json.Unmarshal(b, &out) != nil {
		return nil
	}
	return out
}

// readTyped reads one answer by its JSON-schema type.
func readTyped(typ, s string) (any, error) {
	switch typ {
	case "boolean":
		switch strings.ToLower(s) {
		case "true", "yes", "y", "1":
			return true, nil
		case "false", "no", "n", "0":
			return false, nil
		}
		return nil, fmt.Errorf("%q is not a boolean: answer true or false", s)
	case "integer":
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not an integer", s)
		}
		return n, nil
	case "number":
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", s)
		}
		return f, nil
	case "object":
		var m map[string]any
		if err := json.Unmarshal([]byte(s), &m); err != nil || m == nil {
			return nil, fmt.Errorf("%q is not a JSON object", s)
		}
		return m, nil
	case "array":
		var a []any
		if json.Unmarshal([]byte(s), &a) == nil && a != nil {
			return a, nil
		}
		parts := strings.Split(s, ",")
		out := make([]any, len(parts))
		for i, p := range parts {
			out[i] = strings.TrimSpace(p)
		}
		return out, nil
	}
	return s, nil
}
