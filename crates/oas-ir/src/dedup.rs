//! De-duplication: after normalization, shapes that became equal are merged into one type, and the
//! arena is rebuilt with only the types the operations reach, numbered in the order they are reached.
//!
//! Hash-consing during lowering already merges schemas that were written identically; this pass
//! catches the shapes that only became identical once their unions were decided (two permission
//! unions whose `action` alternatives were spelled differently) and removes types left unreachable.

use std::collections::HashMap;

use crate::lower::Arena;
use crate::model::{Api, Type, TypeId, TypeKind};

/// Merges equal shapes and compacts the arena. Rewrites every id in `api`.
pub(crate) fn dedup(api: &mut Api, arena: Arena) -> Vec<Type> {
    let mut types = arena.into_types();
    let n = types.len();
    let mut rep: Vec<u32> = (0..n as u32).collect();
    // Merge until a fixpoint: merging two children can make their parents equal.
    loop {
        let mut changed = false;
        let mut index: HashMap<TypeKind, u32> = HashMap::with_capacity(n);
        for id in 0..n {
            if rep[id] != id as u32 {
                continue;
            }
            let mut kind = types[id].kind.clone();
            kind.remap(&mut |child| TypeId(find(&mut rep, child.0)));
            match index.get(&kind) {
                Some(&other) => {
                    rep[id] = other;
                    changed = true;
                }
                None => {
                    index.insert(kind, id as u32);
                }
            }
        }
        if !changed {
            break;
        }
    }
    for id in 0..n as u32 {
        find(&mut rep, id);
    }

    // Renumber in the order the operations reach each type (depth first, document order).
    let mut new_id: Vec<Option<u32>> = vec![None; n];
    let mut order: Vec<u32> = Vec::new();
    let visit =
        |root: TypeId, types: &Vec<Type>, new_id: &mut Vec<Option<u32>>, order: &mut Vec<u32>| {
            let mut stack = vec![rep[root.index()]];
            while let Some(id) = stack.pop() {
                let id = rep[id as usize];
                if new_id[id as usize].is_some() {
                    continue;
                }
                new_id[id as usize] = Some(order.len() as u32);
                order.push(id);
                let children = types[id as usize].kind.children();
                stack.extend(children.iter().rev().map(|c| c.0));
            }
        };
    for op in &api.operations {
        let roots = op
            .params
            .iter()
            .map(|p| p.ty)
            .chain(op.body.iter().map(|b| b.ty))
            .chain(op.responses.iter().filter_map(|r| r.ty));
        for root in roots {
            visit(root, &types, &mut new_id, &mut order);
        }
    }
    let map = |id: TypeId| {
        TypeId(new_id[rep[id.index()] as usize].expect("every referenced type was visited"))
    };

    // Merge the documentation of every member into its representative, in id order.
    let mut merged: Vec<Option<Type>> = vec![None; n];
    for id in 0..n {
        let target = rep[id] as usize;
        if new_id[target].is_none() {
            continue;
        }
        let member = std::mem::replace(
            &mut types[id],
            Type {
                kind: TypeKind::Any,
                name: String::new(),
                docs: None,
                origins: Vec::new(),
                hints: Vec::new(),
            },
        );
        match &mut merged[target] {
            slot @ None => *slot = Some(member),
            Some(into) => {
                for origin in member.origins {
                    if !into.origins.contains(&origin) {
                        into.origins.push(origin);
                    }
                }
                for hint in member.hints {
                    if !into.hints.contains(&hint) {
                        into.hints.push(hint);
                    }
                }
                if into.docs.is_none() {
                    into.docs = member.docs;
                }
            }
        }
    }
    let mut out: Vec<Type> = order
        .iter()
        .map(|old| {
            merged[*old as usize]
                .take()
                .expect("each representative is taken once")
        })
        .collect();
    for ty in &mut out {
        ty.kind.remap(&mut |child| map(child));
    }
    for op in &mut api.operations {
        for param in &mut op.params {
            param.ty = map(param.ty);
        }
        if let Some(body) = &mut op.body {
            body.ty = map(body.ty);
        }
        for response in &mut op.responses {
            response.ty = response.ty.map(map);
        }
    }
    out
}

fn find(rep: &mut [u32], mut id: u32) -> u32 {
    while rep[id as usize] != id {
        let next = rep[id as usize];
        rep[id as usize] = rep[next as usize];
        id = next;
    }
    id
}
