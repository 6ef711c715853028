// Command rulecheck validates the alert rules of PrometheusRule manifests the way Prometheus loads
// rule files (rulefmt): PromQL syntax, durations, label and annotation templates. It reads every
// YAML document of the given files and checks those of kind PrometheusRule.
// scripts/check-k8s.sh builds and runs it; promtool itself is far heavier to build.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
	"go.yaml.in/yaml/v3"
)

type manifest struct {
	Kind     string `yaml:"kind"`
	Metadata struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	Spec yaml.Node `yaml:"spec"`
}

func checkFile(path string) (rules int, problems []string) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return 0, []string{err.Error()}
	}
	p := parser.NewParser(parser.Options{})
	logger := slog.New(slog.DiscardHandler)
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	for {
		var m manifest
		if err := dec.Decode(&m); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return rules, append(problems, fmt.Sprintf("%s: %v", path, err))
		}
		if m.Kind != "PrometheusRule" {
			continue
		}
		spec, err := yaml.Marshal(&m.Spec)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %s: %v", path, m.Metadata.Name, err))
			continue
		}
		groups, errs := rulefmt.Parse(spec, false, model.UTF8Validation, p, logger)
		for _, e := range errs {
			problems = append(problems, fmt.Sprintf("%s: %s: %v", path, m.Metadata.Name, e))
		}
		if len(errs) == 0 {
			for _, g := range groups.Groups {
				rules += len(g.Rules)
			}
		}
	}
	return rules, problems
}

func main() {
	failed := false
	for _, path := range os.Args[1:] {
		n, problems := checkFile(path)
		for _, pr := range problems {
			fmt.Fprintln(os.Stderr, pr)
			failed = true
		}
		if len(problems) == 0 {
			if n == 0 {
				fmt.Fprintf(os.Stderr, "%s: no PrometheusRule rules found\n", path)
				failed = true
				continue
			}
			fmt.Printf("%s: %d rules OK\n", path, n)
		}
	}
	if failed {
		os.Exit(1)
	}
}
