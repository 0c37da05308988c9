"""Record-linkage engines with no Django: addresses (locations), later people."""
