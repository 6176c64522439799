//! Every method in the generated code is `#[inline]`, so it is compiled in the application
//! that calls it rather than in this crate: an application pays code generation only for the
//! actions it uses (per action: its error enum's matches, its builders, `validate`). The
//! runtime's shared path is not generated and stays compiled once, in the crate.
//! docs/benchmarks.md has the measurements.

/// Adds `#[inline]` to each method of each `impl` block, in nested modules too.
pub fn mark_methods(file: &mut syn::File) {
    mark_items(&mut file.items);
}

fn mark_items(items: &mut [syn::Item]) {
    for item in items {
        match item {
            syn::Item::Impl(block) => {
                for member in &mut block.items {
                    if let syn::ImplItem::Fn(method) = member {
                        let marked = method.attrs.iter().any(|a| a.path().is_ident("inline"));
                        if !marked {
                            method.attrs.push(syn::parse_quote!(#[inline]));
                        }
                    }
                }
            }
            syn::Item::Mod(module) => {
                if let Some((_, items)) = &mut module.content {
                    mark_items(items);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn methods_of_impls_in_nested_modules_are_marked_once_and_free_functions_are_not() {
        let mut file: syn::File = syn::parse_quote! {
            impl A { fn a(&self) {} #[inline] fn b() {} }
            mod inner { impl Trait for B { fn c(&self) {} } }
            fn free() {}
        };
        super::mark_methods(&mut file);
        let text = prettyplease::unparse(&file);
        assert_eq!(text.matches("#[inline]").count(), 3, "{text}");
        assert!(text.contains("fn free() {}") && !text.contains("#[inline]\nfn free"));
    }
}
