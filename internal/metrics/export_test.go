package metrics

// Order is order, for its test.
var Order = order
