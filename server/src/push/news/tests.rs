//! Unit tests of `push::news`.

use super::*;

fn staff(roles: &[Role], units: &[&str]) -> StaffSubscription {
    StaffSubscription {
        subscription: PushSubscription {
            id: 1,
            endpoint: "https://push.example/1".into(),
            p256dh: String::new(),
            auth: String::new(),
            lang: "zh".into(),
            staff_id: Some(1),
        },
        roles: roles.to_vec(),
        units: units.iter().map(|u| (*u).to_owned()).collect(),
    }
}

#[test]
fn each_queue_reaches_its_staff() {
    let handler = staff(&[Role::UnitHandler], &["U-CM"]);
    let other = staff(&[Role::UnitHandler], &["U-X"]);
    let dispatcher = staff(&[Role::Dispatcher], &[]);
    let supervisor = staff(&[Role::Supervisor], &[]);
    let unit = Audience::Unit("U-CM".into());
    assert!(unit.includes(&handler) && !unit.includes(&other) && !unit.includes(&dispatcher));
    assert!(
        Audience::Dispatchers.includes(&dispatcher) && !Audience::Dispatchers.includes(&handler)
    );
    let escalation = Audience::Escalation("U-CM".into());
    assert!(escalation.includes(&handler) && escalation.includes(&supervisor));
    assert!(!escalation.includes(&other));
    assert!(
        Audience::Supervisors.includes(&supervisor) && !Audience::Supervisors.includes(&handler)
    );
    // A supervisor role alone is not a unit's handler.
    assert!(!unit.includes(&staff(&[Role::Supervisor], &["U-CM"])));
}
