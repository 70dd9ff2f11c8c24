package selector_test

import (
	"fmt"

	"github.com/calisim/calisim/sim/selector"
)

func Example() {
	s, err := selector.Parse(`role=="db" && zone in {'b','a'} || !has(tier)`)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s)
	fmt.Println(s.Matches(selector.Map{"role": "db", "zone": "a", "tier": "back"}))
	fmt.Println(s.Matches(selector.Map{"role": "web", "tier": "front"}))
	fmt.Println(s.Matches(selector.Map{}))
	// Output:
	// ((role == "db" && zone in {"a", "b"}) || !has(tier))
	// true
	// false
	// true
}

func ExampleSyntaxError() {
	_, err := selector.Parse(`rack = "a"`)
	fmt.Println(err)
	_, err = selector.Parse(`rack is "a"`)
	fmt.Println(err)
	// Output:
	// col 6: expected "==", found "="
	// col 6: expected "==", "!=", "in", "not in", "contains", "starts with" or "ends with" after label "rack"
}

func ExampleSelector_MatchesNamespace() {
	s, _ := selector.Parse("global()")
	shop := selector.Map{"kubernetes.io/metadata.name": "shop"}
	fmt.Println(s.MatchesNamespace(shop, true)) // a pod in namespace shop
	fmt.Println(s.MatchesNamespace(nil, false)) // a host endpoint
	// Output:
	// false
	// true
}
