//! `#[derive(Element)]` for the iWmo/iJw model structs.
//!
//! A struct describes one XSD `complexType` whose content is an `xs:sequence`: its fields, in
//! order, are the child elements. The macro generates a streaming reader (order, cardinality,
//! namespace and law checks, each failure a finding with its element path), a writer in XSD
//! order, the JSON mirror used by `ketenzicht inspect`, and a proptest strategy.
//!
//! Attributes:
//! - on the struct: `#[xml(ns = "msg")]` or `#[xml(ns = "basis")]`, the namespace of the
//!   child elements (message-XSD types versus `CDT_*` types of the basisschema);
//! - on a field: `name = "X"` overrides the element name (default: the field name in
//!   CamelCase); `list = "Item"` makes the field a wrapper element holding `Item[1..n]`
//!   (type `Vec1<T>` or `Option<Vec1<T>>`); `retour` marks the trailing `RetourCodes` slot of a
//!   class (type is the struct's `RetourSlot` parameter); `ijw_only` marks an element that
//!   exists only in iJw (GezagsdragerBekend, Woonplaatsbeginsel).
//!
//! Cardinality follows the field type: `T` is `[1..1]`, `Option<T>` is `[0..1]`.

use proc_macro::TokenStream;
use proc_macro2::TokenStream as Tokens;
use quote::{format_ident, quote};
use syn::{Data, DeriveInput, Fields, GenericArgument, LitStr, PathArguments, Type, parse_macro_input};

#[proc_macro_derive(Element, attributes(xml))]
pub fn derive_element(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    match expand(&input) {
        Ok(tokens) => tokens.into(),
        Err(err) => err.to_compile_error().into(),
    }
}

enum Kind {
    /// `T` or `Option<T>`.
    Single { ty: Type, optional: bool },
    /// A wrapper element around `item[1..n]`: `Vec1<T>` or `Option<Vec1<T>>`.
    List { item_ty: Type, item_name: String, optional: bool },
    /// The `RetourCodes` slot.
    Retour { ty: Type },
}

struct Field {
    ident: syn::Ident,
    name: String,
    kind: Kind,
    ijw_only: bool,
}

fn expand(input: &DeriveInput) -> syn::Result<Tokens> {
    let ns = struct_ns(input)?;
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new_spanned(input, "Element can only be derived for structs"));
    };
    let Fields::Named(named) = &data.fields else {
        return Err(syn::Error::new_spanned(input, "Element needs named fields"));
    };
    let fields = named.named.iter().map(parse_field).collect::<syn::Result<Vec<_>>>()?;

    let ident = &input.ident;
    let mut generics = input.generics.clone();
    // `R` is the retour slot of a class; any other parameter (the header's Afzender and
    // Ontvanger types) is a plain element.
    for param in generics.type_params_mut() {
        if param.ident == "R" {
            param.bounds.push(syn::parse_quote!(crate::xml::element::RetourSlot));
        } else {
            param.bounds.push(syn::parse_quote!(crate::xml::element::Element));
            param.bounds.push(syn::parse_quote!(::core::fmt::Debug));
        }
        param.bounds.push(syn::parse_quote!('static));
    }
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();

    let read = gen_read(&fields, &ns);
    let write = gen_write(&fields, &ns);
    let json = gen_json(&fields);
    let strategy = gen_strategy(&fields);
    let describe = gen_describe(&fields);

    Ok(quote! {
        impl #impl_generics crate::xml::element::Element for #ident #ty_generics #where_clause {
            #read
            #write
            #json
            #strategy
            #describe
        }
    })
}

fn struct_ns(input: &DeriveInput) -> syn::Result<Tokens> {
    for attr in &input.attrs {
        if !attr.path().is_ident("xml") {
            continue;
        }
        let mut ns = None;
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("ns") {
                let value: LitStr = meta.value()?.parse()?;
                ns = Some(match value.value().as_str() {
                    "msg" => quote!(crate::xml::input::Ns::Msg),
                    "basis" => quote!(crate::xml::input::Ns::Basis),
                    _ => return Err(meta.error("ns must be \"msg\" or \"basis\"")),
                });
                Ok(())
            } else {
                Err(meta.error("unknown struct attribute"))
            }
        })?;
        if let Some(ns) = ns {
            return Ok(ns);
        }
    }
    Err(syn::Error::new_spanned(&input.ident, "missing #[xml(ns = \"msg\" | \"basis\")]"))
}

fn parse_field(field: &syn::Field) -> syn::Result<Field> {
    let Some(ident) = field.ident.clone() else {
        return Err(syn::Error::new_spanned(field, "named field expected"));
    };
    let mut name = None;
    let mut list = None;
    let mut retour = false;
    let mut ijw_only = false;
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("xml")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("name") {
                name = Some(meta.value()?.parse::<LitStr>()?.value());
            } else if meta.path.is_ident("list") {
                list = Some(meta.value()?.parse::<LitStr>()?.value());
            } else if meta.path.is_ident("retour") {
                retour = true;
            } else if meta.path.is_ident("ijw_only") {
                ijw_only = true;
            } else {
                return Err(meta.error("unknown field attribute"));
            }
            Ok(())
        })?;
    }
    let (optional, inner) = match generic_arg(&field.ty, "Option") {
        Some(inner) => (true, inner),
        None => (false, field.ty.clone()),
    };
    let kind = if retour {
        Kind::Retour { ty: field.ty.clone() }
    } else if let Some(item_name) = list {
        let item_ty = generic_arg(&inner, "Vec1")
            .ok_or_else(|| syn::Error::new_spanned(&field.ty, "a list field must be Vec1<T> or Option<Vec1<T>>"))?;
        Kind::List { item_ty, item_name, optional }
    } else {
        Kind::Single { ty: inner, optional }
    };
    let name = match (name, &kind) {
        (Some(n), _) => n,
        (None, Kind::Retour { .. }) => "RetourCodes".to_owned(),
        (None, _) => camel_case(&ident.to_string()),
    };
    Ok(Field { ident, name, kind, ijw_only })
}

/// `Option<T>` → `T` (by the last path segment's name).
fn generic_arg(ty: &Type, wrapper: &str) -> Option<Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != wrapper {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else { return None };
    match args.args.first()? {
        GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    }
}

fn camel_case(snake: &str) -> String {
    let snake = snake.strip_prefix("r#").unwrap_or(snake);
    let mut out = String::with_capacity(snake.len());
    let mut upper = true;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn var(i: usize) -> syn::Ident {
    format_ident!("v{}", i)
}

fn gen_read(fields: &[Field], ns: &Tokens) -> Tokens {
    let n = fields.len();
    let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();

    let decls = fields.iter().enumerate().map(|(i, f)| {
        let v = var(i);
        match &f.kind {
            Kind::Single { ty, .. } => quote!(let mut #v: ::core::option::Option<#ty> = None;),
            Kind::List { item_ty, .. } => {
                quote!(let mut #v: ::core::option::Option<crate::vec1::Vec1<#item_ty>> = None;)
            }
            Kind::Retour { ty } => quote!(let mut #v: ::core::option::Option<#ty> = None;),
        }
    });

    let arms_index = fields.iter().enumerate().map(|(i, f)| {
        let lit = syn::LitByteStr::new(f.name.as_bytes(), proc_macro2::Span::call_site());
        let mut guard = Vec::new();
        if f.ijw_only {
            guard.push(quote!(cx.wet == crate::Wet::IJw));
        }
        if let Kind::Retour { ty } = &f.kind {
            guard.push(quote!(<#ty as crate::xml::element::RetourSlot>::PRESENT));
        }
        if guard.is_empty() { quote!(#lit => #i,) } else { quote!(#lit if #(#guard)&&* => #i,) }
    });

    let arms_read = fields.iter().enumerate().map(|(i, f)| {
        let v = var(i);
        let name = &f.name;
        let call = match &f.kind {
            Kind::Single { ty, .. } => quote!(<#ty as crate::xml::element::Element>::read(input, cx)?),
            Kind::List { item_ty, item_name, .. } => {
                quote!(crate::xml::element::read_list::<#item_ty>(input, cx, #item_name, #ns)?)
            }
            Kind::Retour { ty } => quote!(<#ty as crate::xml::element::RetourSlot>::read_slot(input, cx)?),
        };
        quote! {
            #i => {
                cx.push(#name, 0);
                match #call {
                    Some(value) => #v = Some(value),
                    None => ok = false,
                }
                cx.pop();
            }
        }
    });

    let missing = fields.iter().enumerate().filter_map(|(i, f)| {
        let name = &f.name;
        let required = match &f.kind {
            Kind::Single { optional, .. } | Kind::List { optional, .. } => !optional,
            Kind::Retour { ty } => {
                return Some(quote! {
                    if <#ty as crate::xml::element::RetourSlot>::PRESENT && !seen[#i] {
                        cx.schema_at(#name, Some("XSD"), concat!("required element ", #name, " is missing"));
                        ok = false;
                    }
                });
            }
        };
        required.then(|| {
            quote! {
                if !seen[#i] {
                    cx.schema_at(#name, Some("XSD"), concat!("required element ", #name, " is missing"));
                    ok = false;
                }
            }
        })
    });

    let unwraps = fields.iter().enumerate().map(|(i, f)| {
        let v = var(i);
        match &f.kind {
            Kind::Single { optional: true, .. } | Kind::List { optional: true, .. } => quote!(),
            Kind::Single { .. } | Kind::List { .. } => quote!(let Some(#v) = #v else { return Ok(None) };),
            Kind::Retour { ty } => quote! {
                let Some(#v) = #v.or_else(<#ty as crate::xml::element::RetourSlot>::absent) else { return Ok(None) };
            },
        }
    });

    let build = fields.iter().enumerate().map(|(i, f)| {
        let v = var(i);
        let ident = &f.ident;
        quote!(#ident: #v,)
    });

    quote! {
        fn read(
            input: &mut crate::xml::input::XmlIn<'_>,
            cx: &mut crate::xml::input::ReadCx,
        ) -> crate::xml::input::ReadResult<Self> {
            const NAMES: [&str; #n] = [#(#names),*];
            let mut ok = true;
            let mut next: usize = 0;
            let mut seen = [false; #n];
            #(#decls)*
            while let Some(child) = input.next_child(cx)? {
                let idx: usize = if child.ns == Some(#ns) {
                    match child.local() {
                        #(#arms_index)*
                        _ => usize::MAX,
                    }
                } else {
                    usize::MAX
                };
                if idx == usize::MAX {
                    crate::xml::element::unexpected(cx, &child, #ns, &NAMES[next..]);
                    input.skip(cx)?;
                    ok = false;
                    continue;
                }
                if seen[idx] || idx < next {
                    let name = NAMES[idx];
                    if seen[idx] {
                        cx.schema_at(name, Some("XSD"), format!("element {name} occurs more than once"));
                    } else {
                        cx.schema_at(
                            name,
                            Some("XSD"),
                            format!("element {name} is out of order: it must come before {}", NAMES[next - 1]),
                        );
                    }
                    input.skip(cx)?;
                    ok = false;
                    continue;
                }
                seen[idx] = true;
                next = idx + 1;
                match idx {
                    #(#arms_read)*
                    _ => {}
                }
            }
            #(#missing)*
            if !ok {
                return Ok(None);
            }
            #(#unwraps)*
            Ok(Some(Self { #(#build)* }))
        }
    }
}

fn gen_write(fields: &[Field], ns: &Tokens) -> Tokens {
    let writes = fields.iter().map(|f| {
        let ident = &f.ident;
        let name = &f.name;
        match &f.kind {
            Kind::Single { optional: false, .. } => {
                quote!(crate::xml::element::Element::write(&self.#ident, out, #ns, #name);)
            }
            Kind::Single { optional: true, .. } => quote! {
                if let Some(value) = &self.#ident {
                    crate::xml::element::Element::write(value, out, #ns, #name);
                }
            },
            Kind::List { item_name, optional, .. } => {
                let body = quote! {
                    out.start(#ns, #name);
                    for item in list.iter() {
                        crate::xml::element::Element::write(item, out, #ns, #item_name);
                    }
                    out.end(#ns, #name);
                };
                if *optional {
                    quote!(if let Some(list) = &self.#ident { #body })
                } else {
                    quote!({ let list = &self.#ident; #body })
                }
            }
            Kind::Retour { .. } => quote!(crate::xml::element::RetourSlot::write_slot(&self.#ident, out, #ns);),
        }
    });
    quote! {
        fn write(&self, out: &mut crate::xml::output::XmlOut, ns: crate::xml::input::Ns, name: &str) {
            out.start(ns, name);
            #(#writes)*
            out.end(ns, name);
        }
    }
}

fn gen_json(fields: &[Field]) -> Tokens {
    let inserts = fields.iter().map(|f| {
        let ident = &f.ident;
        let name = &f.name;
        match &f.kind {
            Kind::Single { optional: false, .. } => {
                quote!(map.insert(#name.to_owned(), crate::xml::element::Element::to_json(&self.#ident));)
            }
            Kind::Single { optional: true, .. } => quote! {
                if let Some(value) = &self.#ident {
                    map.insert(#name.to_owned(), crate::xml::element::Element::to_json(value));
                }
            },
            Kind::List { item_name, optional, .. } => {
                let body = quote! {
                    let items: Vec<serde_json::Value> =
                        list.iter().map(crate::xml::element::Element::to_json).collect();
                    let mut inner = serde_json::Map::new();
                    inner.insert(#item_name.to_owned(), serde_json::Value::Array(items));
                    map.insert(#name.to_owned(), serde_json::Value::Object(inner));
                };
                if *optional {
                    quote!(if let Some(list) = &self.#ident { #body })
                } else {
                    quote!({ let list = &self.#ident; #body })
                }
            }
            Kind::Retour { .. } => quote!(crate::xml::element::RetourSlot::json_slot(&self.#ident, &mut map);),
        }
    });
    quote! {
        fn to_json(&self) -> serde_json::Value {
            let mut map = serde_json::Map::new();
            #(#inserts)*
            serde_json::Value::Object(map)
        }
    }
}

fn gen_strategy(fields: &[Field]) -> Tokens {
    let strategies: Vec<Tokens> = fields
        .iter()
        .map(|f| {
            let base = match &f.kind {
                Kind::Single { ty, .. } => quote!(<#ty as crate::xml::element::Element>::strategy(wet)),
                Kind::List { item_ty, .. } => {
                    quote!(crate::vec1::strategy(<#item_ty as crate::xml::element::Element>::strategy(wet), 3))
                }
                Kind::Retour { ty } => quote!(<#ty as crate::xml::element::RetourSlot>::strategy(wet)),
            };
            let optional = matches!(f.kind, Kind::Single { optional: true, .. } | Kind::List { optional: true, .. });
            match (optional, f.ijw_only) {
                (false, _) => base,
                (true, false) => quote!(proptest::option::of(#base).boxed()),
                (true, true) => quote! {
                    if wet == crate::Wet::IJw {
                        proptest::option::of(#base).boxed()
                    } else {
                        proptest::strategy::Just(None).boxed()
                    }
                },
            }
        })
        .collect();
    let vars: Vec<syn::Ident> = (0..fields.len()).map(var).collect();
    let (tuple, pattern) = nest(&strategies, &vars);
    let build = fields.iter().zip(&vars).map(|(f, v)| {
        let ident = &f.ident;
        quote!(#ident: #v,)
    });
    quote! {
        #[cfg(feature = "proptest")]
        fn strategy(wet: crate::Wet) -> proptest::strategy::BoxedStrategy<Self> {
            use proptest::strategy::Strategy;
            #tuple.prop_map(|#pattern| Self { #(#build)* }).boxed()
        }
    }
}

fn gen_describe(fields: &[Field]) -> Tokens {
    let entries = fields.iter().map(|f| {
        let name = &f.name;
        let body = match &f.kind {
            Kind::Single { ty, optional } => {
                let min = u32::from(!optional);
                quote!(crate::xml::element::describe_child::<#ty>(wet, prefix, #name, #min, Some(1), out);)
            }
            Kind::List { item_ty, item_name, optional } => {
                let min = u32::from(!optional);
                quote! {
                    let wrapper = if prefix.is_empty() { #name.to_owned() } else { format!("{prefix}/{}", #name) };
                    out.push(crate::xml::element::SchemaEntry { path: wrapper.clone(), min: #min, max: Some(1) });
                    crate::xml::element::describe_child::<#item_ty>(wet, &wrapper, #item_name, 1, None, out);
                }
            }
            Kind::Retour { ty } => quote!(<#ty as crate::xml::element::RetourSlot>::describe_slot(wet, prefix, out);),
        };
        if f.ijw_only { quote!(if wet == crate::Wet::IJw { #body }) } else { quote!({ #body }) }
    });
    quote! {
        fn describe(wet: crate::Wet, prefix: &str, out: &mut Vec<crate::xml::element::SchemaEntry>) {
            #(#entries)*
        }
    }
}

/// proptest implements `Strategy` for tuples of up to 12; nest longer lists as
/// `(s0, …, s8, (s9, …))` with the matching pattern.
fn nest(strategies: &[Tokens], vars: &[syn::Ident]) -> (Tokens, Tokens) {
    if strategies.len() <= 10 {
        return (quote!((#(#strategies,)*)), quote!((#(#vars,)*)));
    }
    let (head_s, tail_s) = strategies.split_at(9);
    let (head_v, tail_v) = vars.split_at(9);
    let (tail_tuple, tail_pattern) = nest(tail_s, tail_v);
    (quote!((#(#head_s,)* #tail_tuple)), quote!((#(#head_v,)* #tail_pattern)))
}
