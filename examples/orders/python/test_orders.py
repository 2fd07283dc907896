"""The orders service over HTTP, with the payments service it calls as an imposter."""

import json

import requests

from conftest import charge_everyone


def order(customer='c-1', quantity=2):
    return {'customer': customer,
            'items': [{'sku': 'tea', 'quantity': quantity, 'price_cents': 350}]}


def test_an_order_is_charged_kept_and_shown(orders_url, payments):
    made = requests.post(orders_url + '/orders', json=order())

    assert made.status_code == 201
    body = made.json()
    assert made.headers['Location'] == '/orders/' + body['id']
    assert body['total_cents'] == 700
    assert body['status'] == 'paid'
    assert body['payment_id'] == 'ch_1'
    assert requests.get(orders_url + made.headers['Location']).json() == body
    charges = [json.loads(charge) for charge in payments.charges()]
    assert charges == [{'order_id': body['id'], 'customer': 'c-1', 'amount_cents': 700}]


def test_a_declined_payment_is_a_402_with_the_reason(orders_url, payments):
    payments.answer({'responses': [{'is': {'statusCode': 402,
                                           'body': {'reason': 'card expired'}}}]})

    refused = requests.post(orders_url + '/orders', json=order())

    assert refused.status_code == 402
    assert refused.json() == {'errors': ['the payment was declined: card expired']}


def test_a_failing_payments_service_is_a_bad_gateway(orders_url, payments):
    payments.answer({'responses': [{'is': {'statusCode': 500}}]})

    failed = requests.post(orders_url + '/orders', json=order())

    assert failed.status_code == 502
    assert failed.json() == {
        'errors': ['the payments service failed: it answered 500 Internal Server Error']}


def test_an_invalid_order_is_refused_without_a_charge(orders_url, payments):
    refused = requests.post(orders_url + '/orders', json=order(customer='', quantity=0))

    assert refused.status_code == 422
    assert refused.json() == {'errors': ['customer must not be empty',
                                         'items[0].quantity must be at least 1']}
    assert payments.charges() == []


def test_an_unknown_order_is_a_404(orders_url, payments):
    missing = requests.get(orders_url + '/orders/ord-0')

    assert missing.status_code == 404
    assert missing.json() == {'errors': ['there is no order ord-0']}


def test_the_service_is_healthy_with_its_redis(orders_url, payments):
    assert requests.get(orders_url + '/health').json() == {'status': 'ok'}


def test_the_imposter_can_be_reset_between_tests(payments):
    payments.answer(charge_everyone())
    assert payments.charges() == []
