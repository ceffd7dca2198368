"""factory-boy factories for every app's models (each app adds its own here)."""
import factory
from stdnum import luhn

from aftersales.catalog.models import FaultCode, Part, ProductModel
from aftersales.customers.models import Customer
from aftersales.devices.models import Device
from aftersales.network.models import ServicePoint, User


def valid_imei(n: int) -> str:
    body = f"86{n:012d}"
    return body + luhn.calc_check_digit(body)


class ServicePointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServicePoint
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"SP{n:03d}")
    name = factory.Sequence(lambda n: f"服务站{n}")
    kind = "branch"
    tier = "gold"
    city = "石家庄"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"员工{n}")
    role = "agent"
    password = factory.django.Password("pass12345")


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    number = factory.Sequence(lambda n: f"T{n:07d}")
    name = factory.Sequence(lambda n: f"客户{n}")
    kind = "person"
    phone = factory.Sequence(lambda n: f"138{n:08d}")
    zone = "city"


class ProductModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductModel
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"M{n}")
    name = factory.Sequence(lambda n: f"型号{n}")
    category = "手机"


class PartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Part
        django_get_or_create = ["sku"]

    sku = factory.Sequence(lambda n: f"P{n:04d}")
    name = factory.Sequence(lambda n: f"配件{n}")
    price = "100.00"
    cost = "60.00"


class FaultCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FaultCode
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"F{n:03d}")
    name = factory.Sequence(lambda n: f"故障{n}")


class DeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Device

    serial = factory.Sequence(lambda n: f"SN{n:08d}")
    imei = factory.Sequence(valid_imei)
    model = factory.SubFactory(ProductModelFactory)
    customer = factory.SubFactory(CustomerFactory)
