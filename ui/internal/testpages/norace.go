//go:build !race

package testpages

const interpreter = false
